package dev.sqlnn.model;

import dev.sqlnn.data.Task;
import dev.sqlnn.data.LabelKind;
import dev.sqlnn.data.Preprocessing;
import dev.sqlnn.nn.Network;

import java.util.List;

/**
 * A trained model as prediction needs it: the network, how raw features are scaled, and what its
 * outputs mean. Created by training or by {@link ModelCodec}; immutable once built (the network's
 * arrays are not touched after training).
 *
 * <p>For classifiers, output unit {@code i} is the class {@code classes.get(i)}; integer classes
 * are kept as their decimal text, in ascending numeric order. Regression models predict
 * {@code output * targetScale + targetShift} (targets are standardised for training).
 *
 * <p>{@code featureNames} are the training query's feature columns, as the database labelled them:
 * one name per feature when the features were plain numeric columns, or the single name of the
 * ARRAY or VARBINARY column that held them all. {@code ML_PREDICT} finds a model's feature columns
 * in a query by these names.
 */
public record Model(Task task, LabelKind labelKind, List<String> classes, List<String> featureNames,
                    Preprocessing preprocessing, Network network, double targetShift, double targetScale) {

    public Model {
        classes = List.copyOf(classes);
        featureNames = List.copyOf(featureNames);
        if (featureNames.size() != 1 && featureNames.size() != network.inputWidth()) {
            throw new IllegalArgumentException("feature names must be one column (an ARRAY or VARBINARY) or one per feature ("
                    + network.inputWidth() + "); got " + featureNames.size());
        }
        if (preprocessing.width() != network.inputWidth()) {
            throw new IllegalArgumentException("preprocessing covers " + preprocessing.width()
                    + " features but the network takes " + network.inputWidth());
        }
        if (task == Task.CLASSIFICATION) {
            if (labelKind == LabelKind.FLOAT) {
                throw new IllegalArgumentException("a classifier needs integer or text labels");
            }
            if (classes.size() != network.outputWidth()) {
                throw new IllegalArgumentException("a classifier with " + classes.size()
                        + " classes needs " + classes.size() + " outputs; the network has " + network.outputWidth());
            }
        } else {
            if (!classes.isEmpty() || network.outputWidth() != 1) {
                throw new IllegalArgumentException("a regression model has one output and no classes; got "
                        + network.outputWidth() + " outputs and " + classes.size() + " classes");
            }
        }
    }

    public int inputWidth() {
        return network.inputWidth();
    }
}
