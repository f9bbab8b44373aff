package dev.audiocat.search;

import java.util.Map;
import java.util.Objects;

/**
 * One document for the catalog index: {@code id} is the asset id (SHA-256 of the file bytes), so
 * writing the same asset twice replaces it rather than duplicating it. {@code source} is the
 * catalog record as JSON-able values (String, Number, Boolean, List, Map, float[]).
 */
public record CatalogDocument(String id, Map<String, Object> source) {
    public CatalogDocument {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("document id (asset_id) must not be blank");
        }
        Objects.requireNonNull(source, "source");
    }
}
