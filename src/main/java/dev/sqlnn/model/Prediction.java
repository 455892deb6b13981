package dev.sqlnn.model;

/**
 * What a {@link Model} predicts for one row: the class, label, value or probabilities, each checked
 * against the model's task. One per model and thread, reused by its next {@link Model#predict}
 * call, so that scoring a row allocates nothing.
 */
public final class Prediction {

    private final Model model;
    float[] outputs;

    Prediction(Model model) {
        this.model = model;
    }

    /** The predicted class as an index into the model's classes. */
    public int classIndex() {
        model.requireClassifier();
        return model.predictedClass(outputs, 0);
    }

    /** The predicted class of a classifier whose classes are all INTEGERs ({@code PREDICT}). */
    public int integerClass() {
        int c = classIndex();
        if (model.predictionType() != Model.PredictionType.INTEGER) {
            throw new IllegalArgumentException("model " + model.describe() + " has text labels (or integers beyond "
                    + "INTEGER); use PREDICT_LABEL('" + model.name() + "', features)");
        }
        return model.integerClass(c);
    }

    /** The predicted class as its label's text ({@code PREDICT_LABEL}). */
    public String label() {
        return model.classes().get(classIndex());
    }

    /** A regression's prediction in the label's units ({@code PREDICT_VALUE}). */
    public double value() {
        model.requireRegression();
        return model.value(outputs[0]);
    }

    /** A copy of the class probabilities, in the order of the model's classes ({@code PREDICT_PROBA}). */
    public float[] probabilities() {
        model.requireClassifier();
        return outputs.clone();
    }
}
