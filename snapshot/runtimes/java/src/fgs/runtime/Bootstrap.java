package fgs.runtime;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * The Java runtime: loads the function class named by RUNTIME_HANDLER (a class implementing
 * {@link Handler}, and optionally {@link Initializer} and {@link RestoreHook}) and serves events:
 * init → initializer, restore → restore hook, sync/async → handler, heartbeat/prestop → acknowledged,
 * checkpoint → acknowledged, then parked until the snapshot is taken.
 */
public final class Bootstrap {
    private Bootstrap() {}

    /**
     * Waits, holding no socket, for the checkpoint to be taken: a TCP socket cannot be carried
     * through a checkpoint, so the runtime blocks on stdin (a pipe the invoker holds) instead of a
     * GET. A restored copy's stdin has no writer and reads end-of-file at once; the original wakes
     * when the invoker closes the pipe (after the dump, if it keeps running).
     */
    private static void parkUntilRestored() {
        try {
            System.in.read();
        } catch (java.io.IOException e) {
            // A closed stdin means the same: go on.
        }
    }

    public static void main(String[] args) throws Exception {
        var className = args.length > 0 ? args[0] : System.getenv("RUNTIME_HANDLER");
        var function = Class.forName(className).getDeclaredConstructor().newInstance();
        var handler = (Handler) function;
        var api = new RuntimeApi();
        boolean initialized = false;
        while (true) {
            var event = api.next();
            var context = new Context(event.requestId(), event.invokeType());
            try {
                String result;
                switch (event.invokeType()) {
                    case "init" -> {
                        if (function instanceof Initializer initializer && !initialized)
                            initializer.initialize(context);
                        initialized = true;
                        result = "{\"status\":\"initialized\"}";
                    }
                    case "restore" -> {
                        if (function instanceof RestoreHook hook)
                            hook.afterRestore(context);
                        result = "{\"status\":\"restored\"}";
                    }
                    case "checkpoint" -> {
                        api.respond(event.requestId(), "{\"status\":\"parked\"}".getBytes(StandardCharsets.UTF_8), false);
                        parkUntilRestored();
                        continue;
                    }
                    case "heartbeat", "prestop" -> result = "{\"status\":\"ok\"}";
                    default -> result = handler.handle(new String(event.body(), StandardCharsets.UTF_8), context);
                }
                api.respond(event.requestId(), result.getBytes(StandardCharsets.UTF_8), false);
            } catch (Exception e) {
                var trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                System.err.print(trace);
                var message = String.valueOf(e.getMessage()).replace("\\", "\\\\").replace("\"", "\\\"");
                var error = "{\"errorMessage\":\"" + message + "\",\"errorType\":\"" + e.getClass().getName() + "\"}";
                api.respond(event.requestId(), error.getBytes(StandardCharsets.UTF_8), true);
            }
        }
    }
}
