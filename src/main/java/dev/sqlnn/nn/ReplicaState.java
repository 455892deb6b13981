package dev.sqlnn.nn;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * A network under training as plain arrays: every parameter, the optimizer's state for each, and the
 * steps taken. What a data-parallel trainer ships to its workers and combines from them; layer by layer,
 * weights then biases, in {@link Network}'s order.
 *
 * @param sizes      layer widths, input first
 * @param parameters weights and biases of every layer
 * @param first      momentum velocities, or Adam's first moments (same length as {@code parameters})
 * @param second     Adam's second moments; empty for the other optimizers
 * @param steps      optimizer steps taken (Adam's bias correction depends on it)
 */
public record ReplicaState(int[] sizes, float[] parameters, float[] first, float[] second, long steps)
        implements Serializable {

    /**
     * The weighted mean of some states of one network, summed in list order in double precision so
     * that the same states always give the same bits; {@code steps} is the largest of theirs.
     */
    public static ReplicaState average(List<ReplicaState> states, double[] weights) {
        if (states.isEmpty() || states.size() != weights.length) {
            throw new IllegalArgumentException("need one weight per state; got " + states.size() + " states and "
                    + weights.length + " weights");
        }
        ReplicaState head = states.get(0);
        double total = 0;
        for (double w : weights) total += w;
        long steps = 0;
        for (ReplicaState s : states) {
            if (!Arrays.equals(s.sizes, head.sizes) || s.second.length != head.second.length) {
                throw new IllegalArgumentException("states of different networks cannot be averaged");
            }
            steps = Math.max(steps, s.steps);
        }
        return new ReplicaState(head.sizes, mean(states, weights, total, 0), mean(states, weights, total, 1),
                mean(states, weights, total, 2), steps);
    }

    private static float[] mean(List<ReplicaState> states, double[] weights, double total, int part) {
        int length = pick(states.get(0), part).length;
        double[] sum = new double[length];
        for (int s = 0; s < states.size(); s++) {
            float[] values = pick(states.get(s), part);
            double w = weights[s] / total;
            for (int i = 0; i < length; i++) sum[i] += w * values[i];
        }
        float[] mean = new float[length];
        for (int i = 0; i < length; i++) mean[i] = (float) sum[i];
        return mean;
    }

    private static float[] pick(ReplicaState state, int part) {
        return part == 0 ? state.parameters : part == 1 ? state.first : state.second;
    }
}
