package dev.sqlnn.model;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A model's parameters one by one, as {@code ML_WEIGHTS} lists them: layer by layer, output unit by
 * output unit, the bias first, numbered from 1. Streamed: a network of 784-1024-512-10 has 1.3 million.
 */
public final class ParameterRows implements Iterator<ParameterRows.Row> {

    /** One parameter: {@code inputUnit} is null for a bias. */
    public record Row(int layer, int outputUnit, Integer inputUnit, float weight) {
    }

    private final Model model;
    private int layer;
    private int output;
    private int input = -1; // -1: the bias

    public ParameterRows(Model model) {
        this.model = model;
    }

    @Override
    public boolean hasNext() {
        return layer < model.layerCount();
    }

    @Override
    public Row next() {
        if (!hasNext()) throw new NoSuchElementException("every parameter of " + model.describe() + " has been read");
        Row row = input < 0
                ? new Row(layer + 1, output + 1, null, model.bias(layer, output))
                : new Row(layer + 1, output + 1, input + 1, model.weight(layer, input, output));
        if (++input == model.width(layer)) {
            input = -1;
            if (++output == model.width(layer + 1)) {
                output = 0;
                layer++;
            }
        }
        return row;
    }
}
