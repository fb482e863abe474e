package org.bikefence.rules;

import java.io.Serializable;

/**
 * One category's part of a monthly score: {@code score = points - deducted + bonus}.
 *
 * @param points the category's weight (its share of the base score)
 * @param deducted the category's deductions summed, then capped at {@code points}
 * @param capped whether the category cap cut the summed deductions
 * @param bonus the category's bonuses summed, then capped at its {@code maxBonus}
 */
public record CategoryScore(String id, String nameZh, double points, double deducted, boolean capped,
        double bonus, double score) implements Serializable {
}
