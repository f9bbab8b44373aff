package dev.audiocat.search;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The rights history of an asset, for the search page: the ledger's events (consents, revocations,
 * licenses, usage), oldest first, each as JSON-able fields. Implemented by the command line on top
 * of license-ledger when a ledger is configured; the page says "no ledger" when there is none.
 */
@FunctionalInterface
public interface RightsHistory {
    List<Map<String, Object>> history(String assetId) throws IOException;
}
