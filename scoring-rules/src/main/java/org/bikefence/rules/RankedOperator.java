package org.bikefence.rules;

import java.io.Serializable;

/**
 * An operator's place in a month's ranking and the quota share it earns.
 *
 * @param rank 1 = best; strict (ties are broken, see {@link QuotaPolicy#tieBreak()})
 * @param tiedOnScore whether another operator has the same score and the tie-break decided the order
 * @param quotaSharePct share of the quota pool in percent; 0 for a failing operator or a rank beyond the list
 * @param quotaBikes bikes of the pool ({@code floor(poolBikes * share / 100)}), or null without a pool
 */
public record RankedOperator(int rank, String operator, double score, String grade, boolean passed,
        boolean tiedOnScore, double quotaSharePct, Long quotaBikes) implements Serializable {
}
