package dev.audiocat.ledger.store;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Makes S3Mock's conditional PUT atomic, as Amazon S3's is. S3Mock 5.2.0 checks
 * {@code If-None-Match: *} and then writes, without holding anything in between, so two concurrent
 * creates of one key can both answer 200 and the later silently overwrites the earlier: a server
 * bug, not a property of S3 (which answers the loser 412 or 409). This servlet filter, loaded into
 * the S3Mock application context by {@link S3TestServer}, runs every conditional PUT of a key under
 * a per-key lock, so the check and the write are one step. Everything else about the server (HTTP,
 * XML, storage, status codes) is S3Mock's own.
 */
@Configuration(proxyBeanMethods = false)
public class AtomicConditionalPuts {
    private static final ConcurrentHashMap<String, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    @Bean
    public Filter atomicConditionalPutFilter() {
        return (request, response, chain) -> {
            HttpServletRequest http = (HttpServletRequest) request;
            boolean conditional = "PUT".equals(http.getMethod())
                    && (http.getHeader("If-None-Match") != null || http.getHeader("If-Match") != null);
            if (!conditional) {
                chain.doFilter(request, response);
                return;
            }
            ReentrantLock lock = LOCKS.computeIfAbsent(http.getRequestURI(), k -> new ReentrantLock());
            lock.lock();
            try {
                chain.doFilter(request, response);
                response.flushBuffer();
            } finally {
                lock.unlock();
            }
        };
    }
}
