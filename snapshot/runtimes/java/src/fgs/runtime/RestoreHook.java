package fgs.runtime;

/**
 * Runs in every copy restored from a snapshot, before its first request: refresh what must not be
 * shared between copies (unique ids, random seeds, clocks, connections, re-read configuration).
 */
public interface RestoreHook {
    void afterRestore(Context context) throws Exception;
}
