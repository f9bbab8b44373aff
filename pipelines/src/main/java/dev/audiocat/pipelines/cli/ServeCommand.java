package dev.audiocat.pipelines.cli;

import dev.audiocat.search.CatalogSearch;
import dev.audiocat.search.RightsHistory;
import dev.audiocat.search.SearchConnection;
import dev.audiocat.search.SearchServer;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code audiocat serve [--port N]}: the search page on 127.0.0.1. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the search page: search box, facets, previews, \"more like this\", rights history.",
            "Binds to 127.0.0.1 unless --host says otherwise. Stop with Ctrl-C."})
public final class ServeCommand implements Callable<Integer> {

    /**
     * Hook for the page's "Rights history": set by the license-ledger integration when a ledger is
     * configured; null shows "no ledger" on the page.
     */
    static volatile RightsHistory rightsHistory;

    @Option(names = "--port", defaultValue = "8080", description = "port (default: ${DEFAULT-VALUE}; 0 = any free port)")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "address to bind (default: ${DEFAULT-VALUE}); anything else exposes the catalog and its audio to the network")
    String host;

    @Mixin
    IndexCommand.EsOptions es = new IndexCommand.EsOptions();

    @Override
    public Integer call() throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        try (SearchConnection c = es.connect()) {
            es.requireIndex(c);
        }
        try (SearchConnection c = es.connect();
             SearchServer server = new SearchServer(new CatalogSearch(c.client(), es.alias()), rightsHistory, host, port).start()) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "serve-stop"));
            System.out.println("audiocat: search page at " + server.url() + " (index " + es.alias() + " at " + c.url() + "); Ctrl-C stops");
            stop.await();
        }
        return 0;
    }
}
