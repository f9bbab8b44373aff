package dev.audiocat.features.decode;

import java.util.List;

/** Hands every block to several sinks in order, so one decode feeds every analysis. */
public final class PcmTee implements PcmSink {

    private final List<PcmSink> sinks;

    public PcmTee(List<PcmSink> sinks) {
        this.sinks = List.copyOf(sinks);
    }

    @Override
    public void start(int sampleRate, int channelCount) {
        for (PcmSink s : sinks) {
            s.start(sampleRate, channelCount);
        }
    }

    @Override
    public void accept(float[][] channels, int frames) {
        for (PcmSink s : sinks) {
            s.accept(channels, frames);
        }
    }

    @Override
    public void finish() {
        for (PcmSink s : sinks) {
            s.finish();
        }
    }
}
