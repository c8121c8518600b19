package com.trainingservice.training;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The training examples a spec trains on, and their order in each epoch. Everything follows from
 * the seed and the epoch number alone, so a run can be repeated (and resumed at any epoch) exactly.
 */
final class ShuffledSubset {

    private final int[] indices;
    private final long seed;

    private ShuffledSubset(int[] indices, long seed) {
        this.indices = indices;
        this.seed = seed;
    }

    /** The first {@code size} of a seeded permutation of {@code 0..available-1}; all of them, in order, when size == available. */
    static ShuffledSubset of(int available, int size, long seed) {
        if (size < 1 || size > available) {
            throw new IllegalArgumentException("subset size " + size + " not in 1.." + available);
        }
        int[] all = identity(available);
        if (size < available) {
            shuffle(all, new SplittableRandom(seed));
        }
        return new ShuffledSubset(Arrays.copyOf(all, size), seed);
    }

    int size() {
        return indices.length;
    }

    /** A fresh permutation of the subset for this epoch (1-based), independent of earlier epochs. */
    int[] orderForEpoch(int epoch) {
        int[] order = indices.clone();
        shuffle(order, new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * epoch)));
        return order;
    }

    private static int[] identity(int n) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        return all;
    }

    private static void shuffle(int[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }
}
