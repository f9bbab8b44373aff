package dev.audiocat.features.dsp;

/** One stage of the analysis chain, fed by {@link FrameDispatcher}. Stages never re-frame audio. */
public interface FrameProcessor {

    void process(Frame frame);

    /** Called once after the last frame; results become available after this. */
    void finish();
}
