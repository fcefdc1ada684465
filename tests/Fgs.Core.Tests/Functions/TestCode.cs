using System.IO.Compression;
using System.Text;
using Fgs.Core.Functions;

namespace Fgs.Core.Tests.Functions;

/// <summary>Builders for code zips and valid request bodies.</summary>
internal static class TestCode
{
    public static byte[] Zip(params (string Name, string Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                var entry = archive.CreateEntry(name);
                using var stream = entry.Open();
                stream.Write(Encoding.UTF8.GetBytes(content));
            }
        }

        return buffer.ToArray();
    }

    public static string ZipBase64(params (string Name, string Content)[] entries) => Convert.ToBase64String(Zip(entries));

    public static string BootstrapZipBase64() => ZipBase64(("bootstrap", "#!/bin/sh\necho hi\n"));

    public static CreateFunctionRequestBody Custom(string name = "hello") => new()
    {
        FuncName = name,
        Package = "default",
        Runtime = "Custom",
        Handler = "bootstrap",
        MemorySize = 128,
        Timeout = 3,
        CodeType = "zip",
        CodeFilename = "hello.zip",
        FuncCode = new FuncCode { File = BootstrapZipBase64() },
    };

    public static CreateFunctionRequestBody Python(string name = "pyfunc") => new()
    {
        FuncName = name,
        Runtime = "Python3.9",
        Handler = "index.handler",
        CodeType = "zip",
        FuncCode = new FuncCode { File = ZipBase64(("index.py", "def handler(event, context):\n    return 'ok'\n")) },
    };

    public static FunctionDefinition Definition(string runtime = "Custom", string handler = "bootstrap") => new()
    {
        ProjectId = "proj1",
        Package = "default",
        Name = "hello",
        Runtime = runtime,
        Handler = handler,
        MemorySize = 256,
        Timeout = 30,
        CodeType = "zip",
        CodeFilename = "hello.zip",
        CodeSize = 100,
        Digest = new string('a', 128),
        Created = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero),
        LastModified = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero),
    };
}
