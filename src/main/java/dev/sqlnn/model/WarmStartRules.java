package dev.sqlnn.model;

import dev.sqlnn.data.Dataset;
import dev.sqlnn.nn.EpochStats;
import dev.sqlnn.nn.TrainingListener;
import dev.sqlnn.options.OptionsException;
import dev.sqlnn.options.TrainingOptions;

import java.util.Arrays;
import java.util.List;

/**
 * What a warm start requires of its rows and options: it continues a network, so the features must
 * mean what they meant (the same columns, in order, read the same way), the outputs too (the same
 * classes, or a regression again), and the network must have the same shape. Each refusal says
 * what differs and what to do.
 */
final class WarmStartRules {

    private WarmStartRules() {
    }

    static void requireSameData(Model first, Dataset dataset) {
        String version = "version " + first.version() + " of " + first.name();
        if (first.encoding() == null && dataset.encoding() != null) {
            throw new OptionsException("warm_start: " + version + " was saved by an older sqlnn without its columns'"
                    + " encoding, so its rows cannot be read as it read them; train anew (leave warm_start and"
                    + " init_version out)");
        }
        boolean sameForm = (first.encoding() == null) == (dataset.encoding() == null)
                && first.preprocessing().kind() == dataset.kind();
        if (!sameForm || !sameNames(first.featureNames(), dataset.featureNames())
                || first.network().sizes()[0] != dataset.width()) {
            throw new OptionsException("warm_start: " + version + " was trained on feature columns "
                    + first.featureNames() + " (" + first.network().sizes()[0] + " inputs); this query's are "
                    + dataset.featureNames() + " (" + dataset.width() + " inputs): select the same columns in the"
                    + " same order, or train anew (leave warm_start and init_version out)");
        }
        if (first.task() != dataset.task()) {
            throw new OptionsException("warm_start: " + version + " is a " + first.task().sqlName() + "; this query's"
                    + " label makes a " + dataset.task().sqlName() + ": select the label it was trained on, or train anew");
        }
        if (!first.classes().equals(dataset.classes()) || first.labelKind() != dataset.labelKind()) {
            throw new OptionsException("warm_start: " + version + " has the classes " + first.classes()
                    + "; this query's labels have " + dataset.classes() + ": a warm start keeps the classes, so the"
                    + " rows must have the same ones (select them, e.g. with WHERE), or train anew");
        }
    }

    static void requireSameNetwork(Model first, int[] sizes, TrainingOptions options) {
        int[] firstSizes = first.network().sizes();
        if (!Arrays.equals(firstSizes, sizes) || first.network().hiddenActivation() != options.activation()) {
            List<Integer> hidden = Arrays.stream(firstSizes, 1, firstSizes.length - 1).boxed().toList();
            throw new OptionsException("warm_start: version " + first.version() + " of " + first.name() + " is a "
                    + joined(firstSizes) + " network with " + first.network().hiddenActivation().optionName()
                    + "; these options ask for " + joined(sizes) + " with " + options.activation().optionName()
                    + ": give \"hidden\":" + hidden + ", \"activation\":\""
                    + first.network().hiddenActivation().optionName() + "\", or train anew");
        }
    }

    /** {@code listener}, told epochs numbered after the {@code epochsBefore} of the version continued. */
    static TrainingListener numbered(TrainingListener listener, int epochsBefore) {
        if (epochsBefore == 0) return listener;
        return new TrainingListener() {
            @Override
            public void onBatch(int epoch, int batch, int batches, double batchLoss) {
                listener.onBatch(epoch + epochsBefore, batch, batches, batchLoss);
            }

            @Override
            public void onEpoch(EpochStats stats) {
                listener.onEpoch(stats.after(epochsBefore));
            }
        };
    }

    private static boolean sameNames(List<String> a, List<String> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).equalsIgnoreCase(b.get(i))) return false;
        }
        return true;
    }

    private static String joined(int[] sizes) {
        return String.join("-", Arrays.stream(sizes).mapToObj(Integer::toString).toList());
    }
}
