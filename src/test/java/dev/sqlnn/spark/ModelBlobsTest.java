package dev.sqlnn.spark;

import dev.sqlnn.model.Model;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The executors' decoded models: one decoding per blob identity while it is in use, and a bounded number kept. */
class ModelBlobsTest {

    @Test
    void decodesOncePerIdentityAndKeepsABoundedNumber() throws IOException {
        ModelBlobs.Blob blob = new ModelBlobs.Blob("bird", 1, golden());
        String first = "test/" + java.util.UUID.randomUUID();
        Model model = ModelBlobs.decoded(first, blob);
        assertSame(model, ModelBlobs.decoded(first, blob), "asked again: the model decoded before");
        assertEquals("bird", model.name());

        // Many predict calls, each with an identity of its own, as a long-running application makes them.
        for (int i = 0; i < 10 * ModelBlobs.MAX_DECODED; i++) {
            ModelBlobs.decoded("test/" + java.util.UUID.randomUUID(), blob);
            assertTrue(ModelBlobs.decodedCount() <= ModelBlobs.MAX_DECODED, "kept " + ModelBlobs.decodedCount());
        }
        Model again = ModelBlobs.decoded(first, blob);
        assertNotSame(model, again, "the first identity was dropped long ago: decoded anew");
        assertEquals(model.classes(), again.classes());
    }

    private static byte[] golden() throws IOException {
        try (InputStream in = Model.class.getResourceAsStream("golden-v1.sqlnnmodel")) {
            return in.readAllBytes();
        }
    }
}
