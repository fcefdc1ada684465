package fgs.examples;

import fgs.runtime.Context;
import fgs.runtime.Handler;
import fgs.runtime.Initializer;
import fgs.runtime.RestoreHook;
import java.util.UUID;

/**
 * A function whose initializer takes over a second (it sleeps, as a stand-in for loading a
 * framework, and fills a table). The restore hook gives each restored copy a fresh identity.
 * The handler reports what the function sees. INIT_RETAIN_MB makes the initializer also keep that
 * many megabytes of filled arrays (a bigger heap, so a bigger snapshot image; raise -Xmx through
 * FGS_JAVA_OPTS beyond 40 MB or so).
 */
public final class SlowInit implements Handler, Initializer, RestoreHook {
    private long[] table;
    private byte[][] retained = new byte[0][];
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
        int retainMb = Integer.parseInt(System.getenv().getOrDefault("INIT_RETAIN_MB", "0"));
        retained = new byte[retainMb][];
        for (int i = 0; i < retainMb; i++) {
            retained[i] = new byte[1 << 20];
            java.util.Arrays.fill(retained[i], (byte) (i + 1));
        }
        initializedBy = context.requestId();
    }

    @Override
    public void afterRestore(Context context) {
        restores++;
        copyId = "restored-" + UUID.randomUUID();
    }

    @Override
    public String handle(String event, Context context) {
        return "{\"runtime\":\"java\",\"initialized\":" + (table != null) + ",\"retainedMb\":" + retained.length
                + ",\"retainedLast\":" + (retained.length == 0 ? 0 : retained[retained.length - 1][12345]) + ",\"initializedBy\":\"" + initializedBy
                + "\",\"restores\":" + restores + ",\"copyId\":\"" + copyId + "\",\"pid\":" + ProcessHandle.current().pid()
                + ",\"event\":" + (event.isEmpty() ? "null" : event) + "}";
    }
}
