package dev.sqlnn.options;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The search keys of {@code ML_TRAIN}'s options, parsed: trials, their order and options, and the seed's draws. */
class SearchTest {

    @Test
    void aGridTriesEveryCombinationTheFirstOptionSlowestEachWithItsWholeOptions() {
        TrainingRequest r = TrainingRequest.parse("{\"epochs\":3,\"l2\":0.5,"
                + "\"search\":{\"hidden\":[[4],[8,4]],\"l2\":[0,0.01],\"activation\":[\"relu\",\"tanh\"]}}");
        Search s = r.search();
        assertEquals(Search.Method.GRID, s.method());
        assertEquals(8, s.trials().size());
        assertEquals("{\"hidden\":[4],\"l2\":0,\"activation\":\"relu\"}", s.trials().get(0).valuesJson());
        assertEquals("{\"hidden\":[4],\"l2\":0,\"activation\":\"tanh\"}", s.trials().get(1).valuesJson());
        assertEquals("{\"hidden\":[8,4],\"l2\":0.01,\"activation\":\"tanh\"}", s.trials().get(7).valuesJson());
        TrainingOptions last = s.trials().get(7).options();
        assertEquals(List.of(8, 4), last.hidden());
        assertEquals(0.01, last.l2(), "the trial's value replaces the one given outside search");
        assertEquals(3, last.epochs());
        assertEquals(0, s.folds());
        assertEquals(s.trials().get(0).options(), r.options(), "the options every trial shares are the first's");
        assertTrue(!last.toJson().contains("search"), last.toJson());
    }

    @Test
    void aRandomSearchDrawsFromTheSeedTheSameEveryTime() {
        String json = "{\"trials\":5,\"cv\":4,\"search\":{\"learning_rate\":{\"log_uniform\":[1e-4,1e-2]},"
                + "\"dropout\":{\"uniform\":[0.1,0.5]},\"epochs\":{\"int_uniform\":[2,4]},\"optimizer\":[\"sgd\",\"adam\"]}}";
        Search a = TrainingRequest.parse(json).search();
        assertEquals(Search.Method.RANDOM, a.method());
        assertEquals(4, a.folds());
        assertEquals(5, a.trials().size());
        for (Search.Trial t : a.trials()) {
            TrainingOptions o = t.options();
            assertTrue(o.learningRate() >= 1e-4 && o.learningRate() <= 1e-2, t.valuesJson());
            assertTrue(o.dropout().get(0) >= 0.1 && o.dropout().get(0) <= 0.5, t.valuesJson());
            assertTrue(o.epochs() >= 2 && o.epochs() <= 4, t.valuesJson());
        }
        assertEquals(a, TrainingRequest.parse(json).search());
        assertNotEquals(a.trials().get(0).valuesJson(),
                TrainingRequest.parse(json.replace("{\"trials\"", "{\"seed\":1,\"trials\"")).search().trials().get(0).valuesJson());
    }

    @Test
    void withoutSearchThereIsNoneAndTrainingOptionsRefuseOne() {
        assertNull(TrainingRequest.parse("{\"epochs\":3}").search());
        assertNull(TrainingRequest.parse(null).search());
        OptionsException e = assertThrows(OptionsException.class,
                () -> TrainingOptions.parse("{\"search\":{\"l2\":[0]}}"));
        assertTrue(e.getMessage().startsWith("option 'search' (a hyperparameter search) is taken by ML_TRAIN only"),
                e.getMessage());
    }
}
