package fgs.runtime;

/** The function's initializer: runs once per instance before its first request, and before a snapshot is taken. */
public interface Initializer {
    void initialize(Context context) throws Exception;
}
