package dev.cnidhcp.daemon.server;

import dev.cnidhcp.cni.CniException;
import dev.cnidhcp.cni.CniVersion;
import dev.cnidhcp.cni.ErrorCode;
import dev.cnidhcp.daemon.cni.Answer;
import dev.cnidhcp.daemon.cni.RequestHandler;
import dev.cnidhcp.json.JsonException;
import dev.cnidhcp.wire.WireRequest;
import dev.cnidhcp.wire.WireResponse;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs each request on the lane of its command, so that nothing waits behind an ADD: ADD (which can
 * take up to {@code -resendtimeout} when no DHCP server answers) on the {@code adds} executor; DEL,
 * CHECK, GC, STATUS, VERSION, the admin requests and undecodable ones on the {@code others}
 * executor. Each lane has its own threads and queue (docs/security.md gives the limits); a request
 * its lane refuses is answered "busy, retry" (error 11) by the caller of {@link #submit}.
 *
 * <p>On a request thread: a request whose caller has hung up while it waited is not started; an
 * answer is written within the write timeout; an answer that could not be delivered (the caller had
 * gone, or did not read) is undone ({@link Answer#undo}: an ADD's lease is released).
 */
public final class RequestLanes {
    private static final Logger LOG = Logger.getLogger(RequestLanes.class.getName());

    private final ExecutorService adds;
    private final ExecutorService others;

    /**
     * @param adds   runs ADDs; bounded (threads and queue): a full lane answers ADD "busy, retry"
     * @param others runs every other request; bounded likewise
     */
    public RequestLanes(ExecutorService adds, ExecutorService others) {
        this.adds = adds;
        this.others = others;
    }

    /** A request read whole, with what to call once it is finished (answered or dropped). */
    record Request(Connection connection, byte[] raw, Runnable finished) {
    }

    /**
     * Hands the request to its lane. On refusal nothing is run and nothing closed: the reason is
     * returned for the busy answer.
     */
    Optional<String> submit(Request request, RequestHandler handler, Duration writeTimeout) {
        String command;
        Supplier<Answer> work;
        try {
            WireRequest wire = WireRequest.decode(request.raw());
            command = String.valueOf(wire.env().get("CNI_COMMAND"));
            work = () -> handler.answer(wire, request.connection().peer(), request.connection().acceptedNanos());
        } catch (JsonException e) {
            command = "undecodable request";
            work = () -> handler.undecodable(e);
        }
        boolean add = "ADD".equalsIgnoreCase(command);
        String name = command;
        Supplier<Answer> job = work;
        try {
            (add ? adds : others).execute(() -> run(request, name, job, writeTimeout));
            return Optional.empty();
        } catch (RejectedExecutionException e) {
            return Optional.of(add ? "the DHCP daemon is busy (too many ADDs in flight); retry"
                    : "the DHCP daemon is busy (too many requests in flight); retry");
        }
    }

    private static void run(Request request, String command, Supplier<Answer> work, Duration writeTimeout) {
        Connection connection = request.connection();
        try (connection) {
            if (connection.peerClosed()) {
                LOG.info(command + " not started: its caller (pid " + connection.peer().pid()
                        + ") hung up while it waited");
                return;
            }
            Answer answer = work.get();
            deliver(connection, command, answer, System.nanoTime() + writeTimeout.toNanos());
        } catch (RuntimeException e) { // a bug must not cost the lane a thread silently
            LOG.log(Level.SEVERE, command + " failed (peer pid " + connection.peer().pid() + ")", e);
        } finally {
            request.finished().run();
        }
    }

    /** Writes the answer; undoes it when the caller cannot receive it. */
    static void deliver(Connection connection, String command, Answer answer, long deadlineNanos) {
        String failure;
        if (connection.peerClosed()) {
            failure = "its caller (pid " + connection.peer().pid() + ") had hung up";
        } else {
            try {
                connection.write(answer.response().encode(), deadlineNanos);
                return;
            } catch (IOException e) {
                failure = e.getMessage();
            }
        }
        if (answer.undoable()) {
            LOG.warning("the answer to " + command + " was not delivered (" + failure + "); undoing it");
            answer.undo().run();
        } else {
            LOG.info("the answer to " + command + " was not delivered (" + failure + ")");
        }
    }

    static WireResponse busy(String message) {
        return error(ErrorCode.TRY_AGAIN_LATER, message);
    }

    static WireResponse error(int code, String message) {
        return new WireResponse(1, new CniException(code, message).toJson(CniVersion.LATEST));
    }

    void close() {
        adds.shutdown();
        others.shutdown();
        try {
            others.awaitTermination(2, TimeUnit.SECONDS);
            adds.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
