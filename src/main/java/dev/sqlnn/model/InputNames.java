package dev.sqlnn.model;

import dev.sqlnn.data.FeatureEncoding;
import dev.sqlnn.data.FeatureKind;

import java.util.ArrayList;
import java.util.List;

/**
 * A name for each of a model's network inputs, as attributions are reported:
 * <ul>
 * <li>a number column: its name ({@code age});</li>
 * <li>a one-hot encoded category column: one name per input, {@code column=category} for each kept
 *     category ({@code region=north}), {@code column=(other)} for a value it did not keep (rare, or
 *     unseen in training) and {@code column=(NULL)} for NULL;</li>
 * <li>image bytes (a VARBINARY column): {@code pixel_r_c}, row and column from 0 at the top left, when
 *     the width is a square ({@code pixel_0_0} .. {@code pixel_27_27} for 784 bytes); else
 *     {@code pixel_i}, the byte's offset from 0;</li>
 * <li>an ARRAY column: {@code column[i]}, the element's position from 1 as SQL counts it.</li>
 * </ul>
 */
final class InputNames {

    private InputNames() {
    }

    static List<String> of(Model model) {
        int width = model.inputWidth();
        List<String> names = new ArrayList<>(width);
        FeatureEncoding encoding = model.encoding();
        List<String> columns = model.featureNames();
        if (encoding != null) {
            for (FeatureEncoding.Column c : encoding.columns()) {
                if (c.kind() == FeatureEncoding.Kind.NUMBER) {
                    names.add(c.name());
                    continue;
                }
                for (String category : c.categories()) names.add(c.name() + "=" + category);
                names.add(c.name() + "=(other)");
                names.add(c.name() + "=(NULL)");
            }
        } else if (model.featureKind() == FeatureKind.BYTES) {
            int side = (int) Math.round(Math.sqrt(width));
            for (int i = 0; i < width; i++) {
                names.add(side * side == width ? "pixel_" + i / side + "_" + i % side : "pixel_" + i);
            }
        } else if (columns.size() == width) {
            names.addAll(columns);
        } else {
            for (int i = 1; i <= width; i++) names.add(columns.get(0) + "[" + i + "]");
        }
        return List.copyOf(names);
    }
}
