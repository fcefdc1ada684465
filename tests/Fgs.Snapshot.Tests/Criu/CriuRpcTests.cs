using Fgs.Snapshot.Criu;

namespace Fgs.Snapshot.Tests.Criu;

/// <summary>The hand-written encoding of CRIU's RPC messages (protobuf 2 wire format).</summary>
public sealed class CriuRpcTests
{
    [Fact]
    public void Restore_request_encodes_type_options_and_inherited_files()
    {
        var bytes = CriuRpc.RestoreRequest("/tmp/w/images", "restore.log", [("tmp/a/runtime-api", 5), ("tmp/a/output.log", 6)]);

        // criu_req.type = RESTORE (field 1, varint 2), then opts (field 2, length-delimited).
        Assert.Equal([0x08, 0x02, 0x12], bytes[..3]);
        var opts = bytes.AsSpan(4).ToArray();
        Assert.Equal(opts.Length, bytes[3]); // under 128 bytes: a one-byte length
        // images_dir_fd = -1 is required: a ten-byte varint.
        Assert.Equal([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], opts[..11]);
        var text = System.Text.Encoding.UTF8.GetString(opts);
        Assert.Contains("restore.log", text, StringComparison.Ordinal);
        Assert.Contains("tmp/a/runtime-api", text, StringComparison.Ordinal);
        // images_dir is field 68: key (68 << 3 | 2) = 546 = 0xa2 0x04.
        var key = opts.AsSpan().IndexOf((ReadOnlySpan<byte>)[0xa2, 0x04, (byte)"/tmp/w/images".Length]);
        Assert.True(key > 0, "images_dir (field 68) is encoded");
        // tcp_close (field 52, varint 1): key 52 << 3 = 416 = 0xa0 0x03.
        Assert.True(opts.AsSpan().IndexOf((ReadOnlySpan<byte>)[0xa0, 0x03, 0x01]) > 0, "tcp_close is set");
    }

    [Fact]
    public void A_log_file_with_a_folder_is_refused()
    {
        Assert.Throws<ArgumentException>(() => CriuRpc.RestoreRequest("/tmp/w/images", "../restore.log", []));
    }

    [Fact]
    public void Success_response_gives_the_restored_pid()
    {
        // type RESTORE, success true, restore { pid 4242 }.
        byte[] message = [0x08, 0x02, 0x10, 0x01, 0x22, 0x03, 0x08, 0x92, 0x21];
        var response = CriuRpc.ParseResponse(message);
        Assert.True(response.Success);
        Assert.Equal(2, response.Type);
        Assert.Equal(4242, response.Pid);
        Assert.Null(response.ErrorMessage);
    }

    [Fact]
    public void Failure_response_gives_errno_and_message()
    {
        var text = "Error (criu/cr-restore.c:1): boom"u8.ToArray();
        var message = new List<byte> { 0x08, 0x02, 0x10, 0x00, 0x22, 0x0b, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x38, 0x16, 0x4a, (byte)text.Length };
        message.AddRange(text);
        var response = CriuRpc.ParseResponse(message.ToArray());
        Assert.False(response.Success);
        Assert.Equal(-1, response.Pid);
        Assert.Equal(22, response.Errno);
        Assert.Equal("Error (criu/cr-restore.c:1): boom", response.ErrorMessage);
    }

    [Fact]
    public void A_truncated_response_is_a_format_error()
    {
        Assert.Throws<FormatException>(() => CriuRpc.ParseResponse([0x08, 0x02, 0x4a, 0x10, 0x41]));
        Assert.Throws<FormatException>(() => CriuRpc.ParseResponse([0x08, 0x82]));
    }
}
