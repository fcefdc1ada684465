package fgs.examples;

import fgs.runtime.Context;
import fgs.runtime.Handler;
import fgs.runtime.Initializer;
import fgs.runtime.RestoreHook;
import java.util.UUID;

/**
 * A function whose initializer takes over a second (it sleeps, as a stand-in for loading a
 * framework, and fills a table). The restore hook gives each restored copy a fresh identity.
 * The handler reports what the function sees.
 */
public final class SlowInit implements Handler, Initializer, RestoreHook {
    private long[] table;
    private int restores;
    private String copyId = "original-" + UUID.randomUUID();
    private String initializedBy = "none";

    @Override
    public void initialize(Context context) throws Exception {
        long ms = Long.parseLong(System.getenv().getOrDefault("INIT_MILLIS", "1000"));
        Thread.sleep(ms);
        table = new long[1 << 16];
        for (int i = 0; i < table.length; i++)
            table[i] = (long) i * i;
        initializedBy = context.requestId();
    }

    @Override
    public void afterRestore(Context context) {
        restores++;
        copyId = "restored-" + UUID.randomUUID();
    }

    @Override
    public String handle(String event, Context context) {
        return "{\"runtime\":\"java\",\"initialized\":" + (table != null) + ",\"initializedBy\":\"" + initializedBy
                + "\",\"restores\":" + restores + ",\"copyId\":\"" + copyId + "\",\"pid\":" + ProcessHandle.current().pid()
                + ",\"event\":" + (event.isEmpty() ? "null" : event) + "}";
    }
}
