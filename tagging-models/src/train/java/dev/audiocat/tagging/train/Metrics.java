package dev.audiocat.tagging.train;

import java.util.Arrays;
import java.util.Comparator;

/** Ranking metrics for one binary label: ROC-AUC (ties averaged) and PR-AUC (average precision). */
public final class Metrics {

    private Metrics() {
    }

    /** ROC-AUC of scores against 0/1 targets; NaN when a class is absent. */
    public static double rocAuc(double[] score, boolean[] positive) {
        Integer[] idx = order(score);
        long pos = 0;
        long neg = 0;
        for (boolean p : positive) {
            if (p) {
                pos++;
            } else {
                neg++;
            }
        }
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        // Mann-Whitney U with average ranks for ties (ascending order)
        double rankSum = 0;
        int i = 0;
        while (i < idx.length) {
            int j = i;
            while (j + 1 < idx.length && score[idx[j + 1]] == score[idx[i]]) {
                j++;
            }
            double avgRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (positive[idx[k]]) {
                    rankSum += avgRank;
                }
            }
            i = j + 1;
        }
        return (rankSum - pos * (pos + 1) / 2.0) / (pos * (double) neg);
    }

    /** Average precision (area under the precision-recall curve, step-wise); NaN without positives. */
    public static double prAuc(double[] score, boolean[] positive) {
        Integer[] idx = order(score);
        long pos = 0;
        for (boolean p : positive) {
            if (p) {
                pos++;
            }
        }
        if (pos == 0) {
            return Double.NaN;
        }
        double ap = 0;
        int tp = 0;
        for (int r = idx.length - 1, seen = 1; r >= 0; r--, seen++) {
            if (positive[idx[r]]) {
                tp++;
                ap += tp / (double) seen;
            }
        }
        return ap / pos;
    }

    private static Integer[] order(double[] score) {
        Integer[] idx = new Integer[score.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, Comparator.comparingDouble(i -> score[i]));
        return idx;
    }
}
