package org.bikefence.metrics;

import org.bikefence.rules.OperatorMonthMetrics;

/**
 * An operator's month as of one folded minute: what travels from the per-operator metrics to the city-wide
 * assessment, small (counts, not the accumulator's sets of bikes).
 *
 * @param metrics the month so far in the rule set's terms
 * @param asOf the minute (epoch ms) the metrics are as of
 */
public record MonthSoFar(OperatorMonthMetrics metrics, long asOf) {}
