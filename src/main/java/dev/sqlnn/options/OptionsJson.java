package dev.sqlnn.options;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlnn.data.EncodingOptions;
import dev.sqlnn.data.Imputation;
import dev.sqlnn.data.Scaling;
import dev.sqlnn.data.Task;
import dev.sqlnn.nn.Activation;
import dev.sqlnn.nn.LearningRateSchedule;
import dev.sqlnn.nn.Loss;
import dev.sqlnn.nn.OptimizerKind;
import dev.sqlnn.nn.WeightInit;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import static dev.sqlnn.options.OptionKey.*;

/**
 * Reads and writes {@link TrainingOptions} as JSON. Reading walks a tree key by key rather than
 * binding it, so that each wrong key or type gets its own message; this class checks only JSON
 * types, and the options' constructor checks ranges.
 */
final class OptionsJson {

    private static final String EXAMPLE = "{\"hidden\":[64],\"epochs\":5}";

    // A repeated key would otherwise silently win over the first; trailing text hints at a typo.
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final JsonNode object;

    private OptionsJson(JsonNode object) {
        this.object = object;
    }

    static TrainingOptions read(String text) {
        TrainingRequest request = readRequest(text);
        if (request.search() != null) {
            throw new OptionsException("option 'search' (a hyperparameter search) is taken by ML_TRAIN only;"
                    + " remove 'search', 'search_method', 'trials' and 'cv' here");
        }
        return request.options();
    }

    /** The options of {@code ML_TRAIN}: one training's, or a search's (see {@link Search}). */
    static TrainingRequest readRequest(String text) {
        if (text == null || text.isBlank()) return new TrainingRequest(TrainingOptions.defaults(), null);
        ObjectNode root = object(text);
        Search search = SearchJson.read(root);
        return new TrainingRequest(search == null ? new OptionsJson(root).options(TrainingOptions.defaults())
                : search.trials().get(0).options(), search);
    }

    /**
     * One trial's options: {@code base} (the options object without the search's keys) with
     * {@code values} in place of its own; checked like any options.
     */
    static TrainingOptions withValues(ObjectNode base, ObjectNode values) {
        ObjectNode trial = base.deepCopy();
        trial.setAll(values);
        return new OptionsJson(trial).options(TrainingOptions.defaults());
    }

    private static ObjectNode object(String text) {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new OptionsException(notAnObject(text) + " (" + problem(e) + ")", e);
        }
        if (root == null || !root.isObject()) throw new OptionsException(notAnObject(text));
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (byKey(name) == null) {
                throw new OptionsException("unknown option '" + name + "'; valid options are: " + validKeys());
            }
        }
        return (ObjectNode) root;
    }

    private static String notAnObject(String text) {
        return "options must be a JSON object, e.g. " + EXAMPLE + "; got: " + OptionKey.cut(text.strip());
    }

    /** Jackson's own words, without the parts that speak of Jackson rather than of the text. */
    private static String problem(JsonProcessingException e) {
        String detail = e.getOriginalMessage();
        for (String noise : new String[] {" (start marker at", ": enable `", "\n"}) {
            int at = detail.indexOf(noise);
            if (at >= 0) detail = detail.substring(0, at);
        }
        JsonLocation location = e.getLocation();
        return location == null ? detail
                : detail + " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private TrainingOptions options(TrainingOptions defaults) {
        List<Integer> hidden = hidden(defaults.hidden());
        return new TrainingOptions(
                nullableText(LABEL),
                nullableChoice(TASK, Task::parse),
                hidden,
                choice(ACTIVATION, Activation::parseHidden, defaults.activation()),
                nullableChoice(WEIGHT_INIT, WeightInit::parse),
                nullableChoice(LOSS, Loss::parse),
                choice(OPTIMIZER, OptimizerKind::parse, defaults.optimizer()),
                number(LEARNING_RATE, defaults.learningRate()),
                number(MOMENTUM, defaults.momentum()),
                number(BETA1, defaults.beta1()),
                number(BETA2, defaults.beta2()),
                number(EPSILON, defaults.epsilon()),
                integer(BATCH_SIZE, defaults.batchSize()),
                nullableInteger(EPOCHS),
                number(VALIDATION_FRACTION, defaults.validationFraction()),
                integer(EARLY_STOPPING, defaults.earlyStopping()),
                number(L2, defaults.l2()),
                dropout(hidden.size()),
                number(L1, defaults.l1()),
                nullableNumber(GRADIENT_CLIP),
                schedule(),
                integer(WARMUP_EPOCHS, defaults.warmupEpochs()),
                choice(SCALE, Scaling::parse, defaults.scale()),
                encoding(defaults.encoding()),
                classWeight(),
                augment(),
                imageShape(),
                warmStart(),
                seed(defaults.seed()),
                integer(THREADS, defaults.threads()),
                choice(DEPLOY, DeployPolicy::parse, defaults.deploy()));
    }

    /** The value of {@code key}, or null when the key is absent or given as JSON null. */
    private JsonNode value(OptionKey key) {
        JsonNode node = object.get(key.key);
        return node == null || node.isNull() ? null : node;
    }

    /** A key whose default is null: absent and null both mean the default. */
    private String nullableText(OptionKey key) {
        JsonNode node = value(key);
        if (node == null) return null;
        if (!node.isTextual()) throw key.invalid(node);
        return node.textValue();
    }

    private <E> E nullableChoice(OptionKey key, Function<String, E> parser) {
        String name = nullableText(key);
        if (name == null) return null;
        try {
            return parser.apply(name);
        } catch (IllegalArgumentException e) {
            throw key.invalid(name);
        }
    }

    /** A key with a non-null default: an explicit null is an error, like any other wrong type. */
    private JsonNode present(OptionKey key) {
        JsonNode node = object.get(key.key);
        if (node != null && node.isNull()) throw key.invalid(node);
        return node;
    }

    private <E> E choice(OptionKey key, Function<String, E> parser, E defaultValue) {
        return present(key) == null ? defaultValue : nullableChoice(key, parser);
    }

    private double number(OptionKey key, double defaultValue) {
        JsonNode node = present(key);
        if (node == null) return defaultValue;
        if (!node.isNumber()) throw key.invalid(node);
        return node.doubleValue();
    }

    private Double nullableNumber(OptionKey key) {
        JsonNode node = value(key);
        if (node == null) return null;
        if (!node.isNumber()) throw key.invalid(node);
        return node.doubleValue();
    }

    /** One rate for every hidden layer, or a list of them; a single rate becomes the list. */
    private List<Double> dropout(int hiddenLayers) {
        JsonNode node = value(DROPOUT);
        if (node == null) return null;
        if (node.isNumber()) {
            if (!(node.doubleValue() >= 0 && node.doubleValue() < 1)) throw DROPOUT.invalid(node);
            if (hiddenLayers == 0) {
                throw new OptionsException("option 'dropout' drops units of hidden layers, and hidden is []; got "
                        + node + " (add hidden layers, or leave dropout out)");
            }
            return java.util.Collections.nCopies(hiddenLayers, node.doubleValue());
        }
        if (!node.isArray()) throw DROPOUT.invalid(node);
        List<Double> rates = new ArrayList<>(node.size());
        for (JsonNode rate : node) {
            if (!rate.isNumber()) throw DROPOUT.invalid(node);
            rates.add(rate.doubleValue());
        }
        return rates;
    }

    private static final String SCHEDULE_TYPES = "step, exponential, cosine, reduce_on_plateau, constant";

    /**
     * A schedule by name with its default parameters, or an object with a {@code type} and any of that
     * type's parameters; {@code constant} is no schedule (null).
     */
    private LearningRateSchedule schedule() {
        JsonNode node = value(LR_SCHEDULE);
        if (node == null) return null;
        JsonNode type = node.isObject() ? node.get("type") : node;
        if (type == null || !type.isTextual()) throw LR_SCHEDULE.invalid(node);
        LearningRateSchedule.Kind kind = switch (type.textValue().toLowerCase(Locale.ROOT)) {
            case "constant" -> LearningRateSchedule.Kind.CONSTANT;
            case "step" -> LearningRateSchedule.Kind.STEP;
            case "exponential" -> LearningRateSchedule.Kind.EXPONENTIAL;
            case "cosine" -> LearningRateSchedule.Kind.COSINE;
            case "reduce_on_plateau" -> LearningRateSchedule.Kind.REDUCE_ON_PLATEAU;
            default -> throw OptionKey.invalid(node.isObject() ? "lr_schedule.type" : "lr_schedule",
                    "one of " + SCHEDULE_TYPES, type);
        };
        List<String> parameters = switch (kind) {
            case CONSTANT -> List.of();
            case STEP -> List.of("every", "factor");
            case EXPONENTIAL -> List.of("factor");
            case COSINE -> List.of("min");
            case REDUCE_ON_PLATEAU -> List.of("patience", "factor", "min");
        };
        if (node.isObject()) {
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!name.equals("type") && !parameters.contains(name)) {
                    throw new OptionsException("unknown key '" + name + "' in option 'lr_schedule' of type "
                            + type.textValue() + "; valid keys are: " + String.join(", ", concat("type", parameters)));
                }
            }
        }
        if (kind == LearningRateSchedule.Kind.CONSTANT) return null;
        double factorDefault = kind == LearningRateSchedule.Kind.EXPONENTIAL ? TrainingOptions.DEFAULT_EXPONENTIAL_FACTOR
                : kind == LearningRateSchedule.Kind.STEP ? TrainingOptions.DEFAULT_STEP_FACTOR
                : TrainingOptions.DEFAULT_PLATEAU_FACTOR;
        return new LearningRateSchedule(kind,
                scheduleInteger(node, "every", kind == LearningRateSchedule.Kind.STEP ? TrainingOptions.DEFAULT_STEP_EVERY : 0),
                scheduleNumber(node, "factor", parameters.contains("factor") ? factorDefault : 1),
                scheduleNumber(node, "min", 0),
                scheduleInteger(node, "patience", kind == LearningRateSchedule.Kind.REDUCE_ON_PLATEAU
                        ? TrainingOptions.DEFAULT_PLATEAU_PATIENCE : 0),
                0);
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>(rest.size() + 1);
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static double scheduleNumber(JsonNode node, String name, double defaultValue) {
        JsonNode v = node.isObject() ? node.get(name) : null;
        if (v == null) return defaultValue;
        if (!v.isNumber()) throw OptionKey.invalid("lr_schedule." + name, "a number", v);
        return v.doubleValue();
    }

    private static int scheduleInteger(JsonNode node, String name, int defaultValue) {
        JsonNode v = node.isObject() ? node.get(name) : null;
        if (v == null) return defaultValue;
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw OptionKey.invalid("lr_schedule." + name, "a positive integer (epochs)", v);
        }
        return v.intValue();
    }

    /** Integers only: 2.5 and "5" are refused, and so is 5.0, since a JSON writer that means 5 writes 5. */
    private int integer(OptionKey key, int defaultValue) {
        JsonNode node = present(key);
        if (node == null) return defaultValue;
        if (!node.isIntegralNumber() || !node.canConvertToInt()) throw key.invalid(node);
        return node.intValue();
    }

    private Integer nullableInteger(OptionKey key) {
        JsonNode node = value(key);
        if (node == null) return null;
        if (!node.isIntegralNumber() || !node.canConvertToInt()) throw key.invalid(node);
        return node.intValue();
    }

    private EncodingOptions encoding(EncodingOptions defaults) {
        Imputation impute = choice(IMPUTE, OptionsJson::numberImputation, defaults.impute());
        int maxCategories = integer(MAX_CATEGORIES, defaults.maxCategories());
        if (maxCategories < 1 || maxCategories > EncodingOptions.MAX_CATEGORIES) throw MAX_CATEGORIES.invalid(maxCategories);
        JsonNode node = value(COLUMNS);
        Map<String, EncodingOptions.Column> columns = new LinkedHashMap<>();
        if (node != null) {
            if (!node.isObject()) throw COLUMNS.invalid(node);
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                columns.put(e.getKey(), column(e.getKey(), e.getValue()));
            }
        }
        return new EncodingOptions(impute, maxCategories, columns);
    }

    private static Imputation numberImputation(String name) {
        Imputation i = Imputation.parse(name);
        if (i == Imputation.MISSING) throw new IllegalArgumentException("missing is for categories only");
        return i;
    }

    /** One column's settings in {@code columns}: encode, impute, max_categories. */
    private static EncodingOptions.Column column(String name, JsonNode node) {
        String where = "columns." + name;
        if (!node.isObject()) {
            throw OptionKey.invalid(where, "an object with any of encode, impute, max_categories", node);
        }
        Boolean oneHot = null;
        Imputation impute = null;
        Integer maxCategories = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            switch (e.getKey()) {
                case "encode" -> {
                    String expected = "one of one_hot (values are categories), number";
                    if (!v.isTextual()) throw OptionKey.invalid(where + ".encode", expected, v);
                    oneHot = switch (v.textValue().toLowerCase(Locale.ROOT)) {
                        case "one_hot" -> true;
                        case "number" -> false;
                        default -> throw OptionKey.invalid(where + ".encode", expected, v);
                    };
                }
                case "impute" -> {
                    String expected = "one of mean, median, zero, error for a number; missing, error for a category";
                    if (!v.isTextual()) throw OptionKey.invalid(where + ".impute", expected, v);
                    try {
                        impute = Imputation.parse(v.textValue());
                    } catch (IllegalArgumentException x) {
                        throw OptionKey.invalid(where + ".impute", expected, v);
                    }
                }
                case "max_categories" -> {
                    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1
                            || v.intValue() > EncodingOptions.MAX_CATEGORIES) {
                        throw OptionKey.invalid(where + ".max_categories", MAX_CATEGORIES.expected, v);
                    }
                    maxCategories = v.intValue();
                }
                default -> throw new OptionsException("unknown key '" + e.getKey() + "' in option '" + where
                        + "'; valid keys are: encode, impute, max_categories");
            }
        }
        return new EncodingOptions.Column(oneHot, impute, maxCategories);
    }

    private ClassWeight classWeight() {
        JsonNode node = value(CLASS_WEIGHT);
        if (node == null) return null;
        if (node.isTextual() && node.textValue().equalsIgnoreCase("balanced")) return ClassWeight.balancedWeights();
        if (!node.isObject() || node.isEmpty()) throw CLASS_WEIGHT.invalid(node);
        Map<String, Double> weights = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNumber()) throw CLASS_WEIGHT.invalid(node);
            weights.put(e.getKey(), e.getValue().doubleValue());
        }
        return new ClassWeight(false, weights);
    }

    private long seed(long defaultValue) {
        JsonNode node = present(SEED);
        if (node == null) return defaultValue;
        if (!node.isIntegralNumber() || !node.canConvertToLong()) throw SEED.invalid(node);
        return node.longValue();
    }

    private List<Integer> hidden(List<Integer> defaultValue) {
        JsonNode node = present(HIDDEN);
        if (node == null) return defaultValue;
        if (!node.isArray()) throw HIDDEN.invalid(node);
        List<Integer> widths = new ArrayList<>(node.size());
        for (JsonNode width : node) {
            if (!width.isIntegralNumber() || !width.canConvertToInt()) throw HIDDEN.invalid(node);
            widths.add(width.intValue());
        }
        return widths;
    }

    /** {@code warm_start} and {@code init_version}: a version given is a warm start, which warm_start false contradicts. */
    private TrainingOptions.WarmStart warmStart() {
        JsonNode flag = present(WARM_START);
        if (flag != null && !flag.isBoolean()) throw WARM_START.invalid(flag);
        JsonNode version = value(INIT_VERSION);
        if (version != null && (!version.isIntegralNumber() || !version.canConvertToLong())) {
            throw INIT_VERSION.invalid(version);
        }
        if (version != null && flag != null && !flag.booleanValue()) {
            throw new OptionsException("option 'init_version' " + version + " asks for a warm start, which 'warm_start'"
                    + " false turns off; leave warm_start out (or true) to continue from version " + version
                    + ", or leave init_version out to train anew");
        }
        if (version != null) return new TrainingOptions.WarmStart(version.longValue());
        return flag != null && flag.booleanValue() ? new TrainingOptions.WarmStart(null) : null;
    }

    private TrainingOptions.ImageShape imageShape() {
        JsonNode node = value(IMAGE_SHAPE);
        if (node == null) return null;
        if (!node.isArray() || node.size() != 2) throw IMAGE_SHAPE.invalid(node);
        for (JsonNode side : node) {
            if (!side.isIntegralNumber() || !side.canConvertToInt()) throw IMAGE_SHAPE.invalid(node);
        }
        return new TrainingOptions.ImageShape(node.get(0).intValue(), node.get(1).intValue());
    }

    private TrainingOptions.Augment augment() {
        JsonNode node = value(AUGMENT);
        if (node == null) return null;
        if (!node.isObject()) throw AUGMENT.invalid(node);
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("shift") && !name.equals("rotate")) {
                throw new OptionsException("unknown key '" + name + "' in option 'augment'; valid keys are: shift, rotate");
            }
        }
        JsonNode shift = node.get("shift");
        JsonNode rotate = node.get("rotate");
        if (shift != null && (!shift.isIntegralNumber() || !shift.canConvertToInt())) {
            throw OptionKey.invalid("augment.shift", "a non-negative integer (pixels)", shift);
        }
        if (rotate != null && !rotate.isNumber()) {
            throw OptionKey.invalid("augment.rotate", "a number of degrees from 0 to 180", rotate);
        }
        return new TrainingOptions.Augment(shift == null ? 0 : shift.intValue(),
                rotate == null ? 0 : rotate.doubleValue());
    }

    static String write(TrainingOptions options) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put(LABEL.key, options.label());
        json.put(TASK.key, options.task() == null ? null : options.task().sqlName());
        ArrayNode hidden = json.putArray(HIDDEN.key);
        options.hidden().forEach(hidden::add);
        json.put(ACTIVATION.key, options.activation().optionName());
        json.put(WEIGHT_INIT.key, options.init() == null ? null : options.init().optionName());
        json.put(LOSS.key, options.loss() == null ? null : options.loss().optionName());
        json.put(OPTIMIZER.key, options.optimizer().optionName());
        json.put(LEARNING_RATE.key, options.learningRate());
        json.put(MOMENTUM.key, options.momentum());
        json.put(BETA1.key, options.beta1());
        json.put(BETA2.key, options.beta2());
        json.put(EPSILON.key, options.epsilon());
        json.put(BATCH_SIZE.key, options.batchSize());
        json.put(EPOCHS.key, options.epochs());
        json.put(VALIDATION_FRACTION.key, options.validationFraction());
        json.put(EARLY_STOPPING.key, options.earlyStopping());
        json.put(L2.key, options.l2());
        json.put(L1.key, options.l1());
        if (options.dropout() == null) {
            json.putNull(DROPOUT.key);
        } else {
            ArrayNode rates = json.putArray(DROPOUT.key);
            options.dropout().forEach(rates::add);
        }
        json.put(GRADIENT_CLIP.key, options.gradientClip());
        LearningRateSchedule schedule = options.lrSchedule();
        if (schedule == null) {
            json.putNull(LR_SCHEDULE.key);
        } else {
            ObjectNode s = json.putObject(LR_SCHEDULE.key).put("type", schedule.kind().name().toLowerCase(Locale.ROOT));
            switch (schedule.kind()) {
                case STEP -> s.put("every", schedule.every()).put("factor", schedule.factor());
                case EXPONENTIAL -> s.put("factor", schedule.factor());
                case COSINE -> s.put("min", schedule.minimum());
                case REDUCE_ON_PLATEAU -> s.put("patience", schedule.patience()).put("factor", schedule.factor())
                        .put("min", schedule.minimum());
                case CONSTANT -> throw new AssertionError("a constant rate is a null lr_schedule");
            }
        }
        json.put(WARMUP_EPOCHS.key, options.warmupEpochs());
        json.put(SCALE.key, options.scale().name().toLowerCase(Locale.ROOT));
        EncodingOptions encoding = options.encoding();
        json.put(IMPUTE.key, encoding.impute().optionName());
        json.put(MAX_CATEGORIES.key, encoding.maxCategories());
        ObjectNode columns = json.putObject(COLUMNS.key);
        encoding.columns().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            ObjectNode column = columns.putObject(e.getKey());
            EncodingOptions.Column c = e.getValue();
            if (c.oneHot() != null) column.put("encode", c.oneHot() ? "one_hot" : "number");
            if (c.impute() != null) column.put("impute", c.impute().optionName());
            if (c.maxCategories() != null) column.put("max_categories", c.maxCategories());
        });
        ClassWeight weight = options.classWeight();
        if (weight == null) {
            json.putNull(CLASS_WEIGHT.key);
        } else if (weight.balanced()) {
            json.put(CLASS_WEIGHT.key, "balanced");
        } else {
            ObjectNode weights = json.putObject(CLASS_WEIGHT.key);
            weight.weights().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> weights.put(e.getKey(), e.getValue()));
        }
        if (options.augment() == null) {
            json.putNull(AUGMENT.key);
        } else {
            json.putObject(AUGMENT.key).put("shift", options.augment().shift())
                    .put("rotate", options.augment().rotateDegrees());
        }
        if (options.imageShape() == null) {
            json.putNull(IMAGE_SHAPE.key);
        } else {
            json.putArray(IMAGE_SHAPE.key).add(options.imageShape().rows()).add(options.imageShape().columns());
        }
        json.put(WARM_START.key, options.warmStart() != null);
        json.put(INIT_VERSION.key, options.warmStart() == null ? null : options.warmStart().version());
        json.put(SEED.key, options.seed());
        json.put(THREADS.key, options.threads());
        json.put(DEPLOY.key, options.deploy().optionName());
        try {
            return MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e); // a tree always can
        }
    }
}
