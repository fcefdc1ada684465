using Fgs.Core.Invocations;

namespace Fgs.Core.Tests.Invocations;

public sealed class RequestIdsTests
{
    [Fact]
    public void Ids_are_unique_version_4_uuids_across_many_refills_and_threads()
    {
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<Guid, byte>();
        Parallel.For(0, 4, _ =>
        {
            for (var i = 0; i < 5000; i++)
            {
                var id = RequestIds.NewGuid();
                Assert.True(seen.TryAdd(id, 0), "duplicate id " + id);
                var text = id.ToString();
                Assert.Equal('4', text[14]);
                Assert.Contains(text[19], "89ab");
            }
        });
        Assert.Equal(20000, seen.Count);
    }

    [Fact]
    public void Ids_are_not_a_sequence()
    {
        // Consecutive ids from one block share no 8-byte run (they are random, not a counter).
        var a = RequestIds.NewGuid().ToByteArray();
        var b = RequestIds.NewGuid().ToByteArray();
        Assert.NotEqual(a.AsSpan(0, 8).ToArray(), b.AsSpan(0, 8).ToArray());
        Assert.NotEqual(a.AsSpan(8, 8).ToArray(), b.AsSpan(8, 8).ToArray());
    }
}
