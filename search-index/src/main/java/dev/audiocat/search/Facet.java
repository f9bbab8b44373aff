package dev.audiocat.search;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Filterable and countable fields of the catalog index, by the name used on the command line and
 * in the page's URLs. Values within one facet are OR-ed, facets are AND-ed.
 */
public enum Facet {
    KEY("key", "key", "Key"),
    MODE("mode", "key_mode", "Mode"),
    INSTRUMENTS("instrument", "instrument_tags", "Instruments"),
    MOODS("mood", "mood_tags", "Moods"),
    QC("qc", "qc_flags.type", "QC flags"),
    CONTAINER("container", "container", "Container"),
    CODEC("codec", "codec", "Codec"),
    SAMPLE_RATE("sample-rate", "sample_rate", "Sample rate"),
    CONTENT("content", "content_class", "Content"),
    RIGHTS("rights", "rights_status", "Rights status"),
    CONSENT_CATALOG("consent-catalog", "consent_catalog", "Consent: catalog"),
    CONSENT_COMMERCIAL("consent-commercial", "consent_commercial_license", "Consent: commercial licensing"),
    CONSENT_AI_TRAINING("consent-ai-training", "consent_ai_training", "Consent: AI training"),
    CONSENT_GENAI_TRAINING("consent-genai-training", "consent_ai_generative_training", "Consent: generative AI training"),
    LICENSE("license", "license_ids", "License"),
    REFERENCE("reference", "reference_matches.reference_id", "Reference match");

    private final String param;
    private final String field;
    private final String label;

    Facet(String param, String field, String label) {
        this.param = param;
        this.field = field;
        this.label = label;
    }

    /** Name on the command line ({@code --facet key=A minor}) and in the page's query string. */
    public String param() {
        return param;
    }

    /** Index field. */
    public String field() {
        return field;
    }

    public String label() {
        return label;
    }

    public static Optional<Facet> byParam(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace('_', '-');
        return Arrays.stream(values()).filter(f -> f.param.equals(n)).findFirst();
    }
}
