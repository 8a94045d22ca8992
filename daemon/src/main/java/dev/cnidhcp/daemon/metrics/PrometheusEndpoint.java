package dev.cnidhcp.daemon.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code -metrics ADDR:PORT}: the Prometheus text format at {@code http://ADDR:PORT/metrics}, served
 * by the official client's HTTP server (the JDK's {@code com.sun.net.httpserver}) from a registry
 * that holds only {@link PrometheusMapping}.
 *
 * <p>Threads: up to two {@code metrics-http-N} threads answer scrapes, each reading the counters and
 * the lease states without waiting for any exchange.
 */
public final class PrometheusEndpoint implements Closeable {
    private final HTTPServer server;

    private PrometheusEndpoint(HTTPServer server) {
        this.server = server;
    }

    /** Binds {@code address} and starts serving; fails when the address cannot be bound. */
    public static PrometheusEndpoint start(MetricsAddress address, DaemonMetrics metrics,
                                           Supplier<LeaseCounts> leaseCounts, ThreadFactory threads)
            throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new PrometheusMapping(metrics, leaseCounts));
        ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(16), threads, new ThreadPoolExecutor.CallerRunsPolicy());
        executor.allowCoreThreadTimeOut(true);
        HTTPServer.Builder builder = HTTPServer.builder().port(address.port()).registry(registry)
                .executorService(executor);
        if (!address.host().isEmpty()) {
            builder.hostname(address.host());
        }
        try {
            return new PrometheusEndpoint(builder.buildAndStart());
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            throw new IOException("cannot serve metrics on " + address + ": " + e.getMessage(), e);
        }
    }

    /** The port it listens on. */
    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
