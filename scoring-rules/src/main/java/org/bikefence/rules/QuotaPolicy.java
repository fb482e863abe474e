package org.bikefence.rules;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.List;

/**
 * How the month's ranking splits the fleet-quota pool (Xiamen 2019 practice: 1st 50 %, 2nd 30 %, 3rd 20 %).
 * A share belongs to a rank position: an operator that fails the month gets none, and its share is withheld
 * (not passed down to lower-ranked operators, so failing can never improve a competitor's position).
 *
 * @param poolBikes bikes in the pool, or null to publish shares only
 * @param sharesByRankPct share of the pool for rank 1, 2, ..., in percent; ranks beyond the list get 0
 * @param tieBreak category ids compared (higher category score first) when total scores are equal; after
 *     them, operator names in ascending code-point order
 */
public record QuotaPolicy(Long poolBikes, List<BigDecimal> sharesByRankPct, List<String> tieBreak)
        implements Serializable {

    public static final QuotaPolicy NONE = new QuotaPolicy(null, List.of(), List.of());

    public QuotaPolicy {
        sharesByRankPct = List.copyOf(sharesByRankPct);
        tieBreak = List.copyOf(tieBreak);
    }
}
