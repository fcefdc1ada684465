package fgs.runtime;

/** The function's handler: the event body in, the result body out. */
public interface Handler {
    String handle(String event, Context context) throws Exception;
}
