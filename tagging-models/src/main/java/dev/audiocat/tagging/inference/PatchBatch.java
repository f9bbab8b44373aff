package dev.audiocat.tagging.inference;

/**
 * Patches of many files packed into one model input: {@code count} patches of {@code patchSize}
 * floats each, back to back in {@code data} (which may be longer; the buffer is reused between batches).
 */
public record PatchBatch(float[] data, int count, int patchSize) {

    public PatchBatch {
        if (count < 1 || (long) count * patchSize > data.length) {
            throw new IllegalArgumentException("batch of " + count + " patches of " + patchSize + " floats does not fit " + data.length);
        }
    }
}
