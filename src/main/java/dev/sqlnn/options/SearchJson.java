package dev.sqlnn.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import static dev.sqlnn.options.OptionKey.*;

/**
 * Reads the search keys of {@code ML_TRAIN}'s options ({@code search}, {@code search_method},
 * {@code trials}, {@code cv}) into a {@link Search}: checks every rule once, then builds each trial's
 * options from the others' with the trial's values, checked like any options, so that a search whose
 * trials cannot train is refused before a row is read.
 */
final class SearchJson {

    /**
     * What a search may vary. Not the options that shape how the rows are read (they are read once for
     * every trial), nor the held-out share (every trial is scored on the same rows), nor the seed,
     * threads, deployment or warm start, which belong to the search as a whole.
     */
    private static final Set<OptionKey> SEARCHABLE = EnumSet.of(HIDDEN, ACTIVATION, WEIGHT_INIT, LOSS, OPTIMIZER,
            LEARNING_RATE, MOMENTUM, BETA1, BETA2, EPSILON, BATCH_SIZE, EPOCHS, EARLY_STOPPING, L2, L1, DROPOUT,
            GRADIENT_CLIP, LR_SCHEDULE, WARMUP_EPOCHS, SCALE, CLASS_WEIGHT, AUGMENT);
    /** Options whose values are numbers, which a distribution may draw. */
    private static final Set<OptionKey> CONTINUOUS = EnumSet.of(LEARNING_RATE, MOMENTUM, BETA1, BETA2, EPSILON, L2, L1,
            DROPOUT, GRADIENT_CLIP);
    /** Options whose values are whole numbers, which only {@code int_uniform} may draw. */
    private static final Set<OptionKey> WHOLE = EnumSet.of(BATCH_SIZE, EPOCHS, EARLY_STOPPING, WARMUP_EPOCHS);
    private static final String DISTRIBUTIONS = "uniform, log_uniform, int_uniform";

    /** A distribution to draw an option's value from: {@code kind} is one of {@link #DISTRIBUTIONS}. */
    private record Distribution(String kind, double min, double max) {

        JsonNode draw(SplittableRandom random) {
            return switch (kind) {
                case "int_uniform" -> LongNode.valueOf(random.nextLong((long) min, (long) max + 1));
                case "log_uniform" -> DoubleNode.valueOf(Math.min(max, Math.max(min,
                        Math.exp(Math.log(min) + (Math.log(max) - Math.log(min)) * random.nextDouble()))));
                default -> DoubleNode.valueOf(min + (max - min) * random.nextDouble());
            };
        }
    }

    /** One searched option: a list of candidates, or a distribution. */
    private record Dimension(OptionKey key, List<JsonNode> candidates, Distribution distribution) {

        JsonNode draw(SplittableRandom random) {
            return distribution != null ? distribution.draw(random) : candidates.get(random.nextInt(candidates.size()));
        }
    }

    private SearchJson() {
    }

    /** The search that {@code root} asks for, or null when it asks for none. */
    static Search read(ObjectNode root) {
        JsonNode space = given(root, SEARCH);
        if (space == null) {
            for (OptionKey k : List.of(SEARCH_METHOD, TRIALS, CV)) {
                JsonNode node = given(root, k);
                if (node != null) {
                    throw new OptionsException("option '" + k.key + "' belongs to a hyperparameter search and needs"
                            + " 'search' too; got " + k.key + " " + OptionKey.show(node) + " without 'search'");
                }
            }
            return null;
        }
        if (!space.isObject() || space.isEmpty()) throw SEARCH.invalid(space);
        ObjectNode base = root.deepCopy();
        for (OptionKey k : OptionKey.SEARCH_KEYS) base.remove(k.key);
        requireNoWarmStart(base);
        List<Dimension> dimensions = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = space.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            dimensions.add(dimension(searchable(e.getKey()), e.getValue()));
        }
        Search.Method method = method(given(root, SEARCH_METHOD), dimensions);
        int count = trials(given(root, TRIALS), method, dimensions);
        int folds = folds(given(root, CV));
        JsonNode fraction = given(base, VALIDATION_FRACTION);
        if (folds == 0 && fraction != null && fraction.isNumber() && fraction.doubleValue() == 0) {
            throw new OptionsException("option 'search' scores each trial on held-out rows: give 'validation_fraction'"
                    + " above 0 (the default is 0.1) or 'cv'; got validation_fraction 0");
        }
        List<ObjectNode> values = method == Search.Method.GRID ? grid(dimensions)
                : random(dimensions, count, seed(base));
        List<Search.Trial> trials = new ArrayList<>(values.size());
        for (ObjectNode v : values) {
            int number = trials.size() + 1;
            try {
                trials.add(new Search.Trial(number, v.toString(), OptionsJson.withValues(base, v)));
            } catch (OptionsException e) {
                throw new OptionsException("option 'search': trial " + number + " " + OptionKey.cut(v.toString())
                        + " gives options that cannot train: " + e.getMessage(), e);
            }
        }
        return new Search(method, trials, folds);
    }

    private static JsonNode given(ObjectNode object, OptionKey key) {
        JsonNode node = object.get(key.key);
        return node == null || node.isNull() ? null : node;
    }

    private static void requireNoWarmStart(ObjectNode base) {
        JsonNode warm = given(base, WARM_START);
        if ((warm != null && warm.isBoolean() && warm.booleanValue()) || given(base, INIT_VERSION) != null) {
            throw new OptionsException("option 'search' trains new networks, while a warm start ('warm_start',"
                    + " 'init_version') continues a saved one; remove one or the other");
        }
    }

    private static OptionKey searchable(String name) {
        OptionKey key = OptionKey.byKey(name);
        String searchable = SEARCHABLE.stream().map(k -> k.key).collect(Collectors.joining(", "));
        if (key == null) {
            throw new OptionsException("option 'search' has '" + name + "', which is not an option; the options a"
                    + " search can vary are: " + searchable);
        }
        if (!SEARCHABLE.contains(key)) {
            String why = OptionKey.SEARCH_KEYS.contains(key) ? "it describes the search itself"
                    : key == VALIDATION_FRACTION ? "every trial is scored on the same held-out rows"
                    : EnumSet.of(LABEL, TASK, IMPUTE, MAX_CATEGORIES, COLUMNS, IMAGE_SHAPE).contains(key)
                    ? "the rows are read once, alike for every trial"
                    : "it is one for the whole search";
            throw new OptionsException("option 'search' cannot vary '" + name + "' (" + why + "); the options a"
                    + " search can vary are: " + searchable);
        }
        return key;
    }

    private static Dimension dimension(OptionKey key, JsonNode node) {
        String path = "search." + key.key;
        if (node.isArray()) {
            if (node.isEmpty()) {
                throw OptionKey.invalid(path, "a non-empty list of candidates, each " + key.expected
                        + ", or a distribution such as {\"uniform\": [min, max]}", node);
            }
            List<JsonNode> candidates = new ArrayList<>();
            node.forEach(candidates::add);
            return new Dimension(key, candidates, null);
        }
        if (!node.isObject() || node.size() != 1 || !DISTRIBUTIONS.contains(node.fieldNames().next())) {
            throw OptionKey.invalid(path, "a non-empty list of candidates, each " + key.expected
                    + ", or a distribution: an object with one of " + DISTRIBUTIONS + " and its [min, max]", node);
        }
        String kind = node.fieldNames().next();
        if (!CONTINUOUS.contains(key) && !WHOLE.contains(key)) {
            throw new OptionsException("option '" + path + "' cannot be drawn from a distribution: '" + key.key
                    + "' is not a number; give a list of candidates, each " + key.expected + "; got " + OptionKey.show(node));
        }
        if (WHOLE.contains(key) && !kind.equals("int_uniform")) {
            throw new OptionsException("option '" + path + "' takes whole numbers: draw it with int_uniform, or give a"
                    + " list; got " + OptionKey.show(node));
        }
        JsonNode bounds = node.get(kind);
        boolean whole = kind.equals("int_uniform");
        if (!bounds.isArray() || bounds.size() != 2 || !bounds.get(0).isNumber() || !bounds.get(1).isNumber()
                || (whole && !(bounds.get(0).canConvertToInt() && bounds.get(0).isIntegralNumber()
                && bounds.get(1).canConvertToInt() && bounds.get(1).isIntegralNumber()))) {
            throw OptionKey.invalid(path + "." + kind, "[min, max], two " + (whole ? "integers" : "numbers"), bounds);
        }
        double min = bounds.get(0).doubleValue();
        double max = bounds.get(1).doubleValue();
        if (!(Double.isFinite(min) && Double.isFinite(max) && min < max)) {
            throw OptionKey.invalid(path + "." + kind, "[min, max] with min below max", bounds);
        }
        if (kind.equals("log_uniform") && min <= 0) {
            throw OptionKey.invalid(path + "." + kind, "[min, max] above 0 (it draws their logarithms uniformly)", bounds);
        }
        return new Dimension(key, null, new Distribution(kind, min, max));
    }

    /** The method given, or grid when every searched option is a list and random when one is a distribution. */
    private static Search.Method method(JsonNode node, List<Dimension> dimensions) {
        Dimension drawn = dimensions.stream().filter(d -> d.distribution() != null).findFirst().orElse(null);
        if (node == null) return drawn == null ? Search.Method.GRID : Search.Method.RANDOM;
        Search.Method method = switch (node.isTextual() ? node.textValue() : "") {
            case "grid" -> Search.Method.GRID;
            case "random" -> Search.Method.RANDOM;
            default -> throw SEARCH_METHOD.invalid(node);
        };
        if (method == Search.Method.GRID && drawn != null) {
            throw new OptionsException("option 'search_method' grid tries every combination of lists of candidates;"
                    + " '" + drawn.key().key + "' is a distribution (" + drawn.distribution().kind() + "): give it a"
                    + " list, or use search_method random");
        }
        return method;
    }

    private static int trials(JsonNode node, Search.Method method, List<Dimension> dimensions) {
        if (method == Search.Method.GRID) {
            long combinations = 1;
            for (Dimension d : dimensions) combinations = Math.min(Long.MAX_VALUE / 1024, combinations * d.candidates().size());
            if (node != null) {
                throw new OptionsException("option 'trials' is for search_method random; a grid tries all its "
                        + combinations + " combinations: leave 'trials' out, or use search_method random; got trials "
                        + OptionKey.show(node));
            }
            if (combinations > Search.MAX_TRIALS) {
                throw new OptionsException("option 'search' has " + combinations + " combinations ("
                        + dimensions.stream().map(d -> Integer.toString(d.candidates().size()))
                        .collect(Collectors.joining(" × ")) + "), more than the " + Search.MAX_TRIALS
                        + " trials a search may run: give fewer candidates, or use search_method random with 'trials'");
            }
            return (int) combinations;
        }
        if (node == null) return Search.DEFAULT_TRIALS;
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 1
                || node.intValue() > Search.MAX_TRIALS) {
            throw TRIALS.invalid(node);
        }
        return node.intValue();
    }

    private static int folds(JsonNode node) {
        if (node == null) return 0;
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 2
                || node.intValue() > Search.MAX_FOLDS) {
            throw CV.invalid(node);
        }
        return node.intValue();
    }

    /** The seed the options give (checked with them later), or the default's. */
    private static long seed(ObjectNode base) {
        JsonNode seed = given(base, SEED);
        return seed != null && seed.isIntegralNumber() && seed.canConvertToLong() ? seed.longValue()
                : TrainingOptions.defaults().seed();
    }

    /** Every combination, the first option's candidates changing slowest. */
    private static List<ObjectNode> grid(List<Dimension> dimensions) {
        List<ObjectNode> all = new ArrayList<>();
        int[] at = new int[dimensions.size()];
        while (true) {
            ObjectNode values = JsonNodeFactory.instance.objectNode();
            for (int d = 0; d < at.length; d++) values.set(dimensions.get(d).key().key, dimensions.get(d).candidates().get(at[d]));
            all.add(values);
            int d = at.length - 1;
            while (d >= 0 && ++at[d] == dimensions.get(d).candidates().size()) at[d--] = 0;
            if (d < 0) return all;
        }
    }

    /** {@code count} samples drawn from the seed: each trial's options in the search's order. */
    private static List<ObjectNode> random(List<Dimension> dimensions, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        List<ObjectNode> all = new ArrayList<>(count);
        for (int t = 0; t < count; t++) {
            ObjectNode values = JsonNodeFactory.instance.objectNode();
            for (Dimension d : dimensions) values.set(d.key().key, d.draw(random));
            all.add(values);
        }
        return all;
    }
}
