package dev.sqlnn.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Little-endian reads from a region of a model blob, each checked against the bytes that remain,
 * so that a short or lying blob is a {@link DamagedModelException} with the offset where it broke,
 * never a {@link java.nio.BufferUnderflowException}.
 */
final class BlobReader {

    private final ByteBuffer buffer;
    // newDecoder() reports malformed input, where new String(bytes, UTF_8) would quietly replace it.
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();

    /** Reads {@code blob[from..to)}; offsets in messages are offsets in the whole blob. */
    BlobReader(byte[] blob, int from, int to) {
        buffer = ByteBuffer.wrap(blob, from, to - from).order(ByteOrder.LITTLE_ENDIAN);
    }

    int position() {
        return buffer.position();
    }

    int remaining() {
        return buffer.remaining();
    }

    int u8(String what) {
        need(Byte.BYTES, what);
        return Byte.toUnsignedInt(buffer.get());
    }

    int u16(String what) {
        need(Short.BYTES, what);
        return Short.toUnsignedInt(buffer.getShort());
    }

    int i32(String what) {
        need(Integer.BYTES, what);
        return buffer.getInt();
    }

    double f64(String what) {
        need(Double.BYTES, what);
        return buffer.getDouble();
    }

    /** {@code count} floats, bulk-copied: the bulk of a model is read here. */
    float[] floats(int count, String what) {
        need((long) count * Float.BYTES, what);
        float[] values = new float[count];
        buffer.asFloatBuffer().get(values);
        buffer.position(buffer.position() + count * Float.BYTES);
        return values;
    }

    /** {@code length} bytes of strict UTF-8. */
    String utf8(int length, String what) {
        need(length, what);
        ByteBuffer bytes = buffer.slice(buffer.position(), length);
        try {
            String text = utf8.decode(bytes).toString();
            buffer.position(buffer.position() + length);
            return text;
        } catch (CharacterCodingException e) {
            throw new DamagedModelException("model blob has " + what + " at offset " + buffer.position()
                    + " that is not valid UTF-8", e);
        }
    }

    private void need(long bytes, String what) {
        if (bytes < 0 || bytes > buffer.remaining()) {
            throw new DamagedModelException("model blob ends inside the " + what + ": " + bytes
                    + " bytes needed at offset " + buffer.position() + ", " + buffer.remaining()
                    + " left before the checksum");
        }
    }
}
