package org.bikefence.functions;

import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.bikefence.model.RuleSetUpdate;
import org.bikefence.rules.RuleSetRegistry;

/**
 * Runs a scoring function ({@link DailyScores}, {@link MonthlyAssessments}) that scores each day or month with the
 * version in force then: on its own (one input, the versions given at submission), or with the versions the job
 * accepts while running as a second, broadcast input, kept in operator broadcast state ({@link LiveRuleSets#STATE}) so
 * a restored or rescaled job has them.
 */
public class RuleSetsOperator<IN, OUT> extends KeyedProcessOperator<String, IN, OUT>
        implements TwoInputStreamOperator<IN, RuleSetUpdate, OUT> {
    private static final long serialVersionUID = 1L;

    /** A function scoring with a registry of versions that can grow while it runs. */
    public interface Scoring {
        RuleSetRegistry registry();

        void use(RuleSetRegistry registry);
    }

    public <F extends KeyedProcessFunction<String, IN, OUT> & Scoring> RuleSetsOperator(F function) {
        super(function);
    }

    private Scoring scoring() {
        return (Scoring) userFunction;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        Iterable<java.util.Map.Entry<String, RuleSetUpdate>> live =
                context.getOperatorStateStore().getBroadcastState(LiveRuleSets.STATE).entries();
        if (live.iterator().hasNext()) {
            scoring().use(LiveRuleSets.registry(scoring().registry(), live));
        }
    }

    @Override
    public void processElement1(StreamRecord<IN> element) throws Exception {
        processElement(element);
    }

    /** A version the job accepted: the days and months scored from now on can use it. */
    @Override
    public void processElement2(StreamRecord<RuleSetUpdate> element) throws Exception {
        RuleSetUpdate u = element.getValue();
        getOperatorStateBackend().getBroadcastState(LiveRuleSets.STATE).put(u.version, u);
        scoring().use(scoring().registry().with(LiveRuleSets.parse(u)));
    }
}
