package dev.sqlnn.options;

import dev.sqlnn.data.EncodingOptions;
import dev.sqlnn.data.Scaling;
import dev.sqlnn.data.Task;
import dev.sqlnn.nn.Activation;
import dev.sqlnn.nn.LearningRateSchedule;
import dev.sqlnn.nn.Loss;
import dev.sqlnn.nn.OptimizerKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class TrainingOptionsTest {

    private static final String ALL_KEYS = "{\"label\":\"digit\",\"task\":\"classification\",\"hidden\":[256,128,64],"
            + "\"activation\":\"tanh\",\"loss\":\"mse\",\"optimizer\":\"nesterov\",\"learning_rate\":0.05,"
            + "\"momentum\":0.8,\"beta1\":0.85,\"beta2\":0.99,\"epsilon\":1e-6,\"batch_size\":32,\"epochs\":7,"
            + "\"validation_fraction\":0.2,\"early_stopping\":3,\"l2\":0.0001,\"scale\":\"minmax\","
            + "\"augment\":{\"shift\":2,\"rotate\":10},\"image_shape\":[28,28],\"init_version\":4,\"seed\":-12345678901,"
            + "\"threads\":3,\"deploy\":\"never\"}";

    @Test
    void defaults() {
        TrainingOptions o = TrainingOptions.defaults();
        assertNull(o.label());
        assertNull(o.task());
        assertEquals(List.of(100), o.hidden());
        assertEquals(Activation.RELU, o.activation());
        assertNull(o.loss());
        assertEquals(OptimizerKind.ADAM, o.optimizer());
        assertEquals(0.001, o.learningRate());
        assertEquals(0.9, o.momentum());
        assertEquals(0.9, o.beta1());
        assertEquals(0.999, o.beta2());
        assertEquals(1e-8, o.epsilon());
        assertEquals(64, o.batchSize());
        assertNull(o.epochs());
        assertEquals(0.1, o.validationFraction());
        assertEquals(0, o.earlyStopping());
        assertEquals(0.0, o.l2());
        assertEquals(Scaling.AUTO, o.scale());
        assertNull(o.augment());
        assertNull(o.imageShape());
        assertEquals(42L, o.seed());
        assertEquals(Math.min(Runtime.getRuntime().availableProcessors(), 1024), o.threads());
        assertEquals(DeployPolicy.BEST, o.deploy());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "{}", " { } ", "{\"label\":null,\"task\":null,\"loss\":null,\"augment\":null,\"image_shape\":null}"})
    void emptyOptionsAndNullDefaultsGiveTheDefaults(String json) {
        assertEquals(TrainingOptions.defaults(), TrainingOptions.parse(json));
    }

    @Test
    void nullTextGivesTheDefaults() {
        assertEquals(TrainingOptions.defaults(), TrainingOptions.parse(null));
    }

    @Test
    void everyKeyIsParsed() {
        TrainingOptions o = TrainingOptions.parse(ALL_KEYS);
        assertEquals("digit", o.label());
        assertEquals(Task.CLASSIFICATION, o.task());
        assertEquals(List.of(256, 128, 64), o.hidden());
        assertEquals(Activation.TANH, o.activation());
        assertEquals(Loss.MSE, o.loss());
        assertEquals(OptimizerKind.NESTEROV, o.optimizer());
        assertEquals(0.05, o.learningRate());
        assertEquals(0.8, o.momentum());
        assertEquals(0.85, o.beta1());
        assertEquals(0.99, o.beta2());
        assertEquals(1e-6, o.epsilon());
        assertEquals(32, o.batchSize());
        assertEquals(7, o.epochs());
        assertEquals(0.2, o.validationFraction());
        assertEquals(3, o.earlyStopping());
        assertEquals(0.0001, o.l2());
        assertEquals(Scaling.MINMAX, o.scale());
        assertEquals(new TrainingOptions.Augment(2, 10), o.augment());
        assertEquals(new TrainingOptions.ImageShape(28, 28), o.imageShape());
        assertEquals(new TrainingOptions.WarmStart(4L), o.warmStart());
        assertEquals(-12345678901L, o.seed());
        assertEquals(3, o.threads());
        assertEquals(DeployPolicy.NEVER, o.deploy());
    }

    @Test
    void otherEnumValuesAndEdgeValuesAreAccepted() {
        TrainingOptions o = TrainingOptions.parse("{\"task\":\"regression\",\"loss\":\"mse\",\"hidden\":[],"
                + "\"activation\":\"sigmoid\",\"optimizer\":\"sgd\",\"scale\":\"none\",\"deploy\":\"always\","
                + "\"momentum\":0,\"validation_fraction\":0,\"learning_rate\":1,\"augment\":{},\"image_shape\":[2,3]}");
        assertEquals(Task.REGRESSION, o.task());
        assertEquals(List.of(), o.hidden());
        assertEquals(Activation.SIGMOID, o.activation());
        assertEquals(OptimizerKind.SGD, o.optimizer());
        assertEquals(Scaling.NONE, o.scale());
        assertEquals(DeployPolicy.ALWAYS, o.deploy());
        assertEquals(0.0, o.momentum());
        assertEquals(0.0, o.validationFraction());
        assertEquals(1.0, o.learningRate());
        assertEquals(new TrainingOptions.Augment(0, 0), o.augment());
        assertEquals(6L, o.imageShape().pixels());
        assertEquals(OptimizerKind.MOMENTUM, TrainingOptions.parse("{\"optimizer\":\"momentum\"}").optimizer());
        assertEquals(Scaling.STANDARD, TrainingOptions.parse("{\"scale\":\"standard\"}").scale());
        assertEquals(Loss.CROSS_ENTROPY, TrainingOptions.parse("{\"loss\":\"cross_entropy\"}").loss());
    }

    @Test
    void limitsThemselvesAreAccepted() {
        TrainingOptions o = TrainingOptions.parse("{\"hidden\":[65536],\"epochs\":100000,\"batch_size\":1048576,"
                + "\"threads\":1024,\"image_shape\":[65536,65536],\"augment\":{\"rotate\":180}}");
        assertEquals(List.of(65536), o.hidden());
        assertEquals(100_000, o.epochs());
        assertEquals(1 << 20, o.batchSize());
        assertEquals(1024, o.threads());
        assertEquals(65536L * 65536L, o.imageShape().pixels());
        String thirtyTwoLayers = "[" + "1,".repeat(31) + "1]";
        assertEquals(32, TrainingOptions.parse("{\"hidden\":" + thirtyTwoLayers + "}").hidden().size());
    }

    @Test
    void messageNamesKeyExpectationAndValue() {
        assertError("{\"epochs\":-3}", "option 'epochs' must be a positive integer (at most 100000), or null to stop early"
                + " by the held-out rows within a budget; got -3");
        assertError("{\"learning_rate\":\"fast\"}", "option 'learning_rate' must be a positive number; got \"fast\"");
        // what the JSON parser found follows in parentheses
        assertErrorContains("not json", "options must be a JSON object, e.g. {\"hidden\":[64],\"epochs\":5}; got: not json (");
    }

    @Test
    void unknownKeyListsTheValidKeys() {
        assertError("{\"epoch\":5}", "unknown option 'epoch'; valid options are: label, task, hidden, activation, weight_init, loss,"
                + " optimizer, learning_rate, momentum, beta1, beta2, epsilon, batch_size, epochs, validation_fraction,"
                + " early_stopping, l2, l1, dropout, gradient_clip, lr_schedule, warmup_epochs, scale, impute, max_categories,"
                + " columns, class_weight, augment, image_shape, warm_start, init_version, seed, threads, deploy, search, search_method, trials, cv");
        // keys are case-sensitive, as JSON is
        assertErrorContains("{\"Epochs\":5}", "unknown option 'Epochs'");
        assertErrorContains("{\"augment\":{\"shift\":1,\"zoom\":2}}",
                "unknown key 'zoom' in option 'augment'; valid keys are: shift, rotate");
    }

    static Stream<Arguments> notAnObject() {
        return Stream.of(
                arguments("not json", "got: not json ("),
                arguments("[1,2]", "got: [1,2]"),
                arguments("\"hidden\"", "got: \"hidden\""),
                arguments("5", "got: 5"),
                arguments("null", "got: null"),
                arguments("{\"epochs\":5", "got: {\"epochs\":5 ("),
                arguments("{\"epochs\":5} x", "got: {\"epochs\":5} x ("),
                arguments("{\"epochs\":5,\"epochs\":6}", "Duplicate"),
                arguments("{\"epochs\":NaN}", "got: {\"epochs\":NaN} ("));
    }

    @ParameterizedTest
    @MethodSource
    void notAnObject(String json, String expectedPart) {
        OptionsException e = assertThrows(OptionsException.class, () -> TrainingOptions.parse(json));
        assertTrue(e.getMessage().startsWith("options must be a JSON object, e.g. {\"hidden\":[64],\"epochs\":5}; got: "),
                e.getMessage());
        assertTrue(e.getMessage().contains(expectedPart), e.getMessage());
    }

    /** One bad value per row: the message must name the key and show the value as given. */
    static Stream<Arguments> badValues() {
        return Stream.of(
                // wrong JSON types
                arguments("label", "5", "5"),
                arguments("label", "\" \"", "\" \""),
                arguments("task", "\"clustering\"", "\"clustering\""),
                arguments("task", "1", "1"),
                arguments("hidden", "64", "64"),
                arguments("hidden", "[64,\"32\"]", "[64,\"32\"]"),
                arguments("hidden", "[64.5]", "[64.5]"),
                arguments("hidden", "[64.0]", "[64.0]"),
                arguments("hidden", "null", "null"),
                arguments("activation", "\"softmax\"", "\"softmax\""),
                arguments("activation", "\"identity\"", "\"identity\""),
                arguments("activation", "true", "true"),
                arguments("loss", "\"hinge\"", "\"hinge\""),
                arguments("optimizer", "\"rmsprop\"", "\"rmsprop\""),
                arguments("optimizer", "null", "null"),
                arguments("learning_rate", "\"0.01\"", "\"0.01\""),
                arguments("learning_rate", "false", "false"),
                arguments("learning_rate", "[0.01]", "[0.01]"),
                arguments("epochs", "2.5", "2.5"),
                arguments("epochs", "5.0", "5.0"),
                arguments("epochs", "\"5\"", "\"5\""),
                arguments("epochs", "true", "true"),
                arguments("epochs", "{}", "{}"),
                arguments("batch_size", "null", "null"),
                arguments("early_stopping", "1.5", "1.5"),
                arguments("scale", "\"bytes\"", "\"bytes\""),
                arguments("scale", "\"log\"", "\"log\""),
                arguments("augment", "true", "true"),
                arguments("augment", "[2,10]", "[2,10]"),
                arguments("image_shape", "[28]", "[28]"),
                arguments("image_shape", "[28,28,1]", "[28,28,1]"),
                arguments("image_shape", "\"28x28\"", "\"28x28\""),
                arguments("image_shape", "[28.5,28]", "[28.5,28]"),
                arguments("seed", "1.5", "1.5"),
                arguments("seed", "\"42\"", "\"42\""),
                arguments("seed", "99999999999999999999", "99999999999999999999"),
                arguments("threads", "\"all\"", "\"all\""),
                arguments("deploy", "\"sometimes\"", "\"sometimes\""),
                arguments("deploy", "false", "false"),
                // negative, zero and out-of-range values
                arguments("hidden", "[64,0]", "[64, 0]"),
                arguments("hidden", "[-1]", "[-1]"),
                arguments("learning_rate", "0", "0.0"),
                arguments("learning_rate", "-0.1", "-0.1"),
                arguments("learning_rate", "1e400", "Infinity"),
                arguments("momentum", "1", "1.0"),
                arguments("momentum", "-0.5", "-0.5"),
                arguments("beta1", "1.0", "1.0"),
                arguments("beta2", "1.5", "1.5"),
                arguments("beta2", "-1e-9", "-1.0E-9"),
                arguments("epsilon", "0", "0.0"),
                arguments("epsilon", "-1e-8", "-1.0E-8"),
                arguments("batch_size", "0", "0"),
                arguments("epochs", "0", "0"),
                arguments("epochs", "-3", "-3"),
                arguments("validation_fraction", "1", "1.0"),
                arguments("validation_fraction", "-0.1", "-0.1"),
                arguments("early_stopping", "-1", "-1"),
                arguments("l2", "-0.01", "-0.01"),
                arguments("threads", "0", "0"),
                arguments("image_shape", "[0,28]", "[0, 28]"),
                arguments("image_shape", "[28,-1]", "[28, -1]"),
                // resource limits
                arguments("hidden", "[65537]", "[65537]"),
                arguments("hidden", "[" + "8,".repeat(32) + "8]", "33 widths"),
                arguments("epochs", "100001", "100001"),
                arguments("epochs", "10000000000", "10000000000"),
                arguments("batch_size", "1048577", "1048577"),
                arguments("threads", "1025", "1025"),
                arguments("image_shape", "[65537,1]", "[65537, 1]"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource
    void badValues(String key, String value, String shown) {
        OptionKey option = OptionKey.byKey(key);
        assertError("{\"" + key + "\":" + value + "}", "option '" + key + "' must be " + option.expected + "; got " + shown);
    }

    @Test
    void augmentValuesAreChecked() {
        assertError("{\"augment\":{\"shift\":-1}}", "option 'augment.shift' must be a non-negative integer (pixels); got -1");
        assertError("{\"augment\":{\"shift\":1.5}}", "option 'augment.shift' must be a non-negative integer (pixels); got 1.5");
        assertError("{\"augment\":{\"rotate\":\"10\"}}",
                "option 'augment.rotate' must be a number of degrees from 0 to 180; got \"10\"");
        assertError("{\"augment\":{\"rotate\":-5}}", "option 'augment.rotate' must be a number of degrees from 0 to 180; got -5.0");
        assertError("{\"augment\":{\"rotate\":181}}", "option 'augment.rotate' must be a number of degrees from 0 to 180; got 181.0");
    }

    @Test
    void contradictoryOptionsAreRefused() {
        assertErrorContains("{\"task\":\"regression\",\"loss\":\"cross_entropy\"}",
                "option 'loss' cross_entropy needs task classification; got task regression");
        assertErrorContains("{\"early_stopping\":2,\"validation_fraction\":0}",
                "got early_stopping 2 with validation_fraction 0");
    }

    @Test
    void longValuesAreCutInMessages() {
        String longLabel = "x".repeat(500);
        OptionsException e = assertThrows(OptionsException.class,
                () -> TrainingOptions.parse("{\"task\":\"" + longLabel + "\"}"));
        assertTrue(e.getMessage().length() < 300, e.getMessage());
        assertTrue(e.getMessage().endsWith("..."), e.getMessage());
    }

    @Test
    void constructorRefusesWhatJsonCannotSpell() {
        TrainingOptions d = TrainingOptions.defaults();
        assertThrows(OptionsException.class, () -> new TrainingOptions(d.label(), d.task(), d.hidden(),
                Activation.SOFTMAX, d.init(), d.loss(), d.optimizer(), d.learningRate(), d.momentum(), d.beta1(), d.beta2(),
                d.epsilon(), d.batchSize(), d.epochs(), d.validationFraction(), d.earlyStopping(), d.l2(), d.dropout(), d.l1(),
                d.gradientClip(), d.lrSchedule(), d.warmupEpochs(), d.scale(),
                EncodingOptions.defaults(), null, d.augment(), d.imageShape(), d.warmStart(), d.seed(), d.threads(), d.deploy()));
        assertThrows(OptionsException.class, () -> new TrainingOptions(d.label(), d.task(), d.hidden(),
                d.activation(), d.init(), d.loss(), d.optimizer(), Double.NaN, d.momentum(), d.beta1(), d.beta2(),
                d.epsilon(), d.batchSize(), d.epochs(), d.validationFraction(), d.earlyStopping(), d.l2(), d.dropout(), d.l1(),
                d.gradientClip(), d.lrSchedule(), d.warmupEpochs(), d.scale(),
                EncodingOptions.defaults(), null, d.augment(), d.imageShape(), d.warmStart(), d.seed(), d.threads(), d.deploy()));
        assertThrows(OptionsException.class, () -> new TrainingOptions(d.label(), d.task(), d.hidden(),
                d.activation(), d.init(), d.loss(), d.optimizer(), d.learningRate(), d.momentum(), d.beta1(), d.beta2(),
                d.epsilon(), d.batchSize(), d.epochs(), d.validationFraction(), d.earlyStopping(), d.l2(),
                d.dropout(), d.l1(), d.gradientClip(), d.lrSchedule(), d.warmupEpochs(), Scaling.BYTES, EncodingOptions.defaults(), null, d.augment(), d.imageShape(), d.warmStart(), d.seed(), d.threads(), d.deploy()));
    }

    /**
     * Without {@code epochs}: at most 200 epochs and 10 million rows in all, at least 10. 1,000 rows
     * get 200 epochs, 100,000 get 100, a million 10, ten million still 10.
     */
    @Test
    void withoutEpochsTheBudgetFollowsTheRows() {
        TrainingOptions auto = TrainingOptions.defaults();
        assertNull(auto.epochs());
        assertEquals(200, auto.maxEpochs(0));
        assertEquals(200, auto.maxEpochs(1_000));
        assertEquals(200, auto.maxEpochs(50_000));
        assertEquals(199, auto.maxEpochs(50_200));
        assertEquals(100, auto.maxEpochs(100_000));
        assertEquals(10, auto.maxEpochs(1_000_000));
        assertEquals(10, auto.maxEpochs(10_000_000));
        assertEquals(10, auto.maxEpochs(Long.MAX_VALUE));
        TrainingOptions given = TrainingOptions.parse("{\"epochs\":7}");
        assertEquals(7, given.maxEpochs(1_000));
        assertEquals(7, given.maxEpochs(100_000_000));
        assertEquals(TrainingOptions.defaults(), TrainingOptions.parse("{\"epochs\":null}"));
    }

    /** Early stopping is on by itself only without epochs and with held-out rows; early_stopping always wins. */
    @Test
    void patienceIsTenWhenTheTrainingStopsByItself() {
        assertEquals(10, TrainingOptions.defaults().patience());
        assertEquals(0, TrainingOptions.parse("{\"validation_fraction\":0}").patience());
        assertEquals(0, TrainingOptions.parse("{\"epochs\":20}").patience());
        assertEquals(3, TrainingOptions.parse("{\"early_stopping\":3}").patience());
        assertEquals(3, TrainingOptions.parse("{\"epochs\":20,\"early_stopping\":3}").patience());
    }

    @Test
    void classWeightIsBalancedOrAMapOfPositiveWeights() {
        assertNull(TrainingOptions.defaults().classWeight());
        assertEquals(ClassWeight.balancedWeights(), TrainingOptions.parse("{\"class_weight\":\"balanced\"}").classWeight());
        assertEquals(new ClassWeight(false, java.util.Map.of("yes", 5.0, "no", 0.5)),
                TrainingOptions.parse("{\"class_weight\":{\"yes\":5,\"no\":0.5}}").classWeight());
        String expected = "option 'class_weight' must be \"balanced\", an object of positive weights by class such as"
                + " {\"yes\": 5, \"no\": 1}, or null for equal weights; got ";
        assertError("{\"class_weight\":\"heavy\"}", expected + "\"heavy\"");
        assertError("{\"class_weight\":{\"yes\":0}}", expected + "weight 0.0 for class yes");
        assertError("{\"class_weight\":{\"yes\":-1}}", expected + "weight -1.0 for class yes");
        assertErrorContains("{\"class_weight\":{}}", expected);
        assertErrorContains("{\"class_weight\":{\"yes\":\"5\"}}", expected);
        assertErrorContains("{\"class_weight\":[1,2]}", expected);
        assertError("{\"task\":\"regression\",\"class_weight\":\"balanced\"}", "option 'class_weight' needs classes"
                + " to weigh, so task classification; got task regression (leave class_weight out)");
    }

    /**
     * Balanced weighs class c by rows / (classes × rows of c), scikit-learn's rule; a map names classes
     * by their text and leaves the others at 1; the regression rule holds for an inferred task too.
     */
    @Test
    void classWeightsResolveToOnePerClass() {
        List<String> classes = List.of("fraud", "ok");
        int[] rows = {50, 950};
        assertArrayEquals(new float[] {10f, 1000f / 1900f},
                TrainingOptions.parse("{\"class_weight\":\"balanced\"}").classWeightsFor(Task.CLASSIFICATION, classes, rows));
        assertArrayEquals(new float[] {19f, 1f},
                TrainingOptions.parse("{\"class_weight\":{\"fraud\":19}}").classWeightsFor(Task.CLASSIFICATION, classes, rows));
        assertNull(TrainingOptions.defaults().classWeightsFor(Task.CLASSIFICATION, classes, rows));
        assertNull(TrainingOptions.defaults().classWeightsFor(Task.REGRESSION, List.of(), null));
        OptionsException unknown = assertThrows(OptionsException.class, () -> TrainingOptions.parse(
                "{\"class_weight\":{\"theft\":2}}").classWeightsFor(Task.CLASSIFICATION, classes, rows));
        assertEquals("option 'class_weight' names class \"theft\", which the label column does not have;"
                + " its classes are fraud, ok", unknown.getMessage());
        OptionsException regression = assertThrows(OptionsException.class, () -> TrainingOptions.parse(
                "{\"class_weight\":\"balanced\"}").classWeightsFor(Task.REGRESSION, List.of(), null));
        assertTrue(regression.getMessage().startsWith("option 'class_weight' needs classes to weigh, but the label is"
                + " a floating-point number (a regression)"), regression.getMessage());
    }

    @Test
    void warmStartIsTheDeployedVersionOrTheOneGiven() {
        assertNull(TrainingOptions.parse("{\"warm_start\":false}").warmStart());
        assertEquals(new TrainingOptions.WarmStart(null), TrainingOptions.parse("{\"warm_start\":true}").warmStart());
        assertEquals(new TrainingOptions.WarmStart(3L), TrainingOptions.parse("{\"init_version\":3}").warmStart());
        assertEquals(new TrainingOptions.WarmStart(3L),
                TrainingOptions.parse("{\"warm_start\":true,\"init_version\":3}").warmStart());
        assertError("{\"warm_start\":\"yes\"}", "option 'warm_start' must be true to continue from the model's deployed"
                + " version, or false (the default); got \"yes\"");
        assertError("{\"init_version\":0}", "option 'init_version' must be a positive integer, the version to continue"
                + " from (a warm start), or null; got 0");
        assertErrorContains("{\"init_version\":1.5}", "option 'init_version' must be a positive integer");
        assertErrorContains("{\"warm_start\":false,\"init_version\":2}", "option 'init_version' 2 asks for a warm start,"
                + " which 'warm_start' false turns off");
        String json = TrainingOptions.parse("{\"init_version\":7}").toJson();
        assertTrue(json.contains("\"warm_start\":true,\"init_version\":7"), json);
    }

    @Test
    void hiddenIsImmutable() {
        TrainingOptions o = TrainingOptions.parse("{\"hidden\":[8,4]}");
        assertThrows(UnsupportedOperationException.class, () -> o.hidden().add(2));
    }

    @Test
    void toJsonHasEveryKeyInOrder() {
        String json = TrainingOptions.parse("{\"threads\":2}").toJson();
        assertEquals("{\"label\":null,\"task\":null,\"hidden\":[100],\"activation\":\"relu\",\"weight_init\":null,\"loss\":null,"
                + "\"optimizer\":\"adam\",\"learning_rate\":0.001,\"momentum\":0.9,\"beta1\":0.9,\"beta2\":0.999,"
                + "\"epsilon\":1.0E-8,\"batch_size\":64,\"epochs\":null,\"validation_fraction\":0.1,\"early_stopping\":0,"
                + "\"l2\":0.0,\"l1\":0.0,\"dropout\":null,\"gradient_clip\":null,\"lr_schedule\":null,"
                + "\"warmup_epochs\":0,\"scale\":\"auto\",\"impute\":\"mean\",\"max_categories\":1000,\"columns\":{},"
                + "\"class_weight\":null,\"augment\":null,\"image_shape\":null,\"warm_start\":false,\"init_version\":null,"
                + "\"seed\":42,\"threads\":2,"
                + "\"deploy\":\"best\"}", json);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", ALL_KEYS, "{\"hidden\":[],\"learning_rate\":0.1,\"l2\":3.3e-7,\"augment\":{\"rotate\":12.5}}",
            "{\"task\":\"regression\",\"label\":\"price \\\"usd\\\"\",\"seed\":-9223372036854775808}",
            "{\"hidden\":[8,4],\"dropout\":[0.1,0],\"l1\":1e-5,\"gradient_clip\":2.5,\"epochs\":20,\"warmup_epochs\":3,"
                    + "\"lr_schedule\":{\"type\":\"cosine\",\"min\":1e-5},\"activation\":\"gelu\"}",
            "{\"lr_schedule\":\"reduce_on_plateau\",\"dropout\":0.3}", "{\"lr_schedule\":{\"type\":\"step\",\"every\":3}}"})
    void toJsonRoundTrips(String json) {
        TrainingOptions options = TrainingOptions.parse(json);
        TrainingOptions again = TrainingOptions.parse(options.toJson());
        assertEquals(options, again);
        assertEquals(options.toJson(), again.toJson());
    }

    @Test
    void schedulesByNameTakeTheirDefaultsAndObjectsOverrideThem() {
        assertEquals(new LearningRateSchedule(LearningRateSchedule.Kind.STEP, 10, 0.5, 0, 0, 0),
                TrainingOptions.parse("{\"lr_schedule\":\"step\"}").lrSchedule());
        assertEquals(new LearningRateSchedule(LearningRateSchedule.Kind.EXPONENTIAL, 0, 0.95, 0, 0, 0),
                TrainingOptions.parse("{\"lr_schedule\":\"exponential\"}").lrSchedule());
        assertEquals(new LearningRateSchedule(LearningRateSchedule.Kind.REDUCE_ON_PLATEAU, 0, 0.5, 0, 3, 0),
                TrainingOptions.parse("{\"lr_schedule\":\"reduce_on_plateau\"}").lrSchedule());
        assertEquals(new LearningRateSchedule(LearningRateSchedule.Kind.REDUCE_ON_PLATEAU, 0, 0.2, 1e-5, 5, 0),
                TrainingOptions.parse("{\"lr_schedule\":{\"type\":\"reduce_on_plateau\",\"patience\":5,"
                        + "\"factor\":0.2,\"min\":1e-5}}").lrSchedule());
        assertEquals(null, TrainingOptions.parse("{\"lr_schedule\":\"constant\"}").lrSchedule());
        TrainingOptions warm = TrainingOptions.parse("{\"epochs\":10,\"warmup_epochs\":2,\"lr_schedule\":\"cosine\"}");
        assertEquals(new LearningRateSchedule(LearningRateSchedule.Kind.COSINE, 0, 1, 0, 0, 2), warm.schedule());
        assertEquals(LearningRateSchedule.CONSTANT, TrainingOptions.defaults().schedule());
    }

    @Test
    void dropoutIsOneRatePerHiddenLayer() {
        assertEquals(List.of(0.2, 0.2), TrainingOptions.parse("{\"hidden\":[8,4],\"dropout\":0.2}").dropout());
        assertEquals(List.of(0.5, 0.0), TrainingOptions.parse("{\"hidden\":[8,4],\"dropout\":[0.5,0]}").dropout());
        assertEquals(null, TrainingOptions.defaults().dropout());
        assertError("{\"hidden\":[8,4],\"dropout\":[0.5,1]}", "option 'dropout' must be " + dropoutExpected() + "; got [0.5, 1.0]");
        assertError("{\"dropout\":-0.1}", "option 'dropout' must be " + dropoutExpected() + "; got -0.1");
        assertError("{\"dropout\":\"0.1\"}", "option 'dropout' must be " + dropoutExpected() + "; got \"0.1\"");
        assertError("{\"hidden\":[8,4,2],\"dropout\":[0.1,0.1]}", "option 'dropout' must have one rate per hidden layer:"
                + " hidden [8, 4, 2] has 3 layers; got 2 rates [0.1, 0.1]");
    }

    private static String dropoutExpected() {
        return "a rate in [0, 1) for every hidden layer, or an array of one rate per hidden layer, e.g. 0.2 or [0.2, 0.1],"
                + " or null for none";
    }

    @Test
    void regularisationAndScheduleValuesAreChecked() {
        assertError("{\"l1\":-1}", "option 'l1' must be a non-negative number; got -1.0");
        assertErrorContains("{\"gradient_clip\":-2}", "option 'gradient_clip' must be a positive number");
        assertErrorContains("{\"warmup_epochs\":-1}", "option 'warmup_epochs' must be a non-negative integer");
        assertError("{\"epochs\":3,\"warmup_epochs\":4}", "option 'warmup_epochs' must be less than epochs, so that some"
                + " epochs run at the full rate; got warmup_epochs 4 with epochs 3");
        assertError("{\"lr_schedule\":{\"type\":\"step\",\"every\":0}}",
                "option 'lr_schedule.every' must be a positive integer (epochs); got 0");
        assertError("{\"lr_schedule\":{\"type\":\"step\",\"factor\":0}}",
                "option 'lr_schedule.factor' must be a number in (0, 1); got 0.0");
        assertError("{\"epochs\":5,\"learning_rate\":0.01,\"lr_schedule\":{\"type\":\"cosine\",\"min\":0.01}}",
                "option 'lr_schedule.min' must be a number from 0 to below learning_rate (0.01); got 0.01");
        assertError("{\"lr_schedule\":{\"type\":\"wave\"}}", "option 'lr_schedule.type' must be one of step, exponential,"
                + " cosine, reduce_on_plateau, constant; got \"wave\"");
        assertErrorContains("{\"lr_schedule\":{\"every\":3}}", "option 'lr_schedule' must be one of");
        assertError("{\"lr_schedule\":{\"type\":\"cosine\",\"every\":3}}", "unknown key 'every' in option"
                + " 'lr_schedule' of type cosine; valid keys are: type, min");
        assertErrorContains("{\"lr_schedule\":\"cosine\"}", "give 'epochs' too");
        assertErrorContains("{\"lr_schedule\":\"reduce_on_plateau\",\"validation_fraction\":0}", "validation_fraction 0");
        assertErrorContains("{\"activation\":\"swish\"}", "relu, tanh, sigmoid, leaky_relu, elu, selu, gelu, softplus");
    }

    private static void assertError(String json, String expectedMessage) {
        OptionsException e = assertThrows(OptionsException.class, () -> TrainingOptions.parse(json));
        assertEquals(expectedMessage, e.getMessage());
    }

    private static void assertErrorContains(String json, String expectedPart) {
        OptionsException e = assertThrows(OptionsException.class, () -> TrainingOptions.parse(json));
        assertTrue(e.getMessage().contains(expectedPart), e.getMessage());
    }
}
