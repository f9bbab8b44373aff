package dev.audiocat.search;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What to look for: free text, facet filters, ranges, and optionally "sounds like" (an asset id
 * whose embedding is fetched, or a vector the caller computed from an audio file).
 */
public final class SearchQuery {
    private String text;
    private final Map<Facet, List<String>> filters = new EnumMap<>(Facet.class);
    private Double bpmMin;
    private Double bpmMax;
    private Double durationMin;
    private Double durationMax;
    private Boolean hasReferenceMatch;
    private String likeAssetId;
    private float[] likeVector;
    private String likeModel;
    private int k = 20;
    private int size = 20;
    private boolean facets = true;

    public SearchQuery text(String t) {
        this.text = t == null || t.isBlank() ? null : t.trim();
        return this;
    }

    public SearchQuery filter(Facet f, String value) {
        if (value != null && !value.isBlank()) {
            filters.computeIfAbsent(f, x -> new ArrayList<>()).add(value);
        }
        return this;
    }

    public SearchQuery bpm(Double min, Double max) {
        this.bpmMin = min;
        this.bpmMax = max;
        return this;
    }

    public SearchQuery duration(Double minSeconds, Double maxSeconds) {
        this.durationMin = minSeconds;
        this.durationMax = maxSeconds;
        return this;
    }

    /** true: only assets with a reference match; false: only without; null: either. */
    public SearchQuery hasReferenceMatch(Boolean b) {
        this.hasReferenceMatch = b;
        return this;
    }

    public SearchQuery likeAsset(String assetId) {
        this.likeAssetId = assetId;
        return this;
    }

    public SearchQuery likeVector(float[] v) {
        this.likeVector = v == null ? null : v.clone();
        return this;
    }

    /**
     * The {@code embedding_model} ({@code id@version}) that made {@link #likeVector}: "sounds like" then
     * compares only assets embedded by the same model (vectors of two models share no space). Null:
     * no such filter.
     */
    public SearchQuery likeModel(String model) {
        this.likeModel = model;
        return this;
    }

    /** Nearest neighbours for "sounds like" (default 20). */
    public SearchQuery k(int k) {
        if (k < 1 || k > 1000) {
            throw new IllegalArgumentException("k must be 1..1000: " + k);
        }
        this.k = k;
        return this;
    }

    public SearchQuery size(int size) {
        if (size < 0 || size > 1000) {
            throw new IllegalArgumentException("size must be 0..1000: " + size);
        }
        this.size = size;
        return this;
    }

    public SearchQuery facets(boolean on) {
        this.facets = on;
        return this;
    }

    public String text() {
        return text;
    }

    public Map<Facet, List<String>> filters() {
        return Collections.unmodifiableMap(filters);
    }

    public Double bpmMin() {
        return bpmMin;
    }

    public Double bpmMax() {
        return bpmMax;
    }

    public Double durationMin() {
        return durationMin;
    }

    public Double durationMax() {
        return durationMax;
    }

    public Boolean hasReferenceMatch() {
        return hasReferenceMatch;
    }

    public String likeAssetId() {
        return likeAssetId;
    }

    public String likeModel() {
        return likeModel;
    }

    public float[] likeVector() {
        return likeVector == null ? null : likeVector.clone();
    }

    public int k() {
        return k;
    }

    public int size() {
        return size;
    }

    public boolean facets() {
        return facets;
    }
}
