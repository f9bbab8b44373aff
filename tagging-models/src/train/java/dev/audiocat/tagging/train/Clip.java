package dev.audiocat.tagging.train;

/**
 * One labelled training or evaluation clip, mono at 22050 Hz.
 *
 * @param id          stable name (source, number)
 * @param samples     audio
 * @param instruments multi-hot over {@code Labels.INSTRUMENTS}
 * @param content     index into {@code Labels.CONTENT}
 * @param family      index of the single instrument family for one-family clips, else -1
 * @param group       clips of the same source recording share a group (for retrieval tests), else -1
 */
public record Clip(String id, float[] samples, float[] instruments, int content, int family, int group) implements java.io.Serializable {
}
