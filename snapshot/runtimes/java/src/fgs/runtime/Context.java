package fgs.runtime;

/** What a hook knows about the event it runs for. */
public final class Context {
    private final String requestId;
    private final String invokeType;

    Context(String requestId, String invokeType) {
        this.requestId = requestId;
        this.invokeType = invokeType;
    }

    /** The request id of the event. */
    public String requestId() { return requestId; }

    /** The invoke type: sync, init, restore, heartbeat or prestop. */
    public String invokeType() { return invokeType; }

    /** An environment variable of the instance, or null. */
    public String env(String name) { return System.getenv(name); }
}
