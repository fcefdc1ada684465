using Fgs.Core.Functions;
using static Fgs.Core.Tests.Functions.FunctionValidatorCreateTests;

namespace Fgs.Core.Tests.Functions;

public sealed class ZipArchiveValidationTests
{
    [Fact]
    public void Zip_with_bootstrap_at_the_root_is_accepted_when_bootstrap_is_required()
    {
        using var zip = new MemoryStream(TestCode.Zip(("bootstrap", "#!/bin/sh"), ("lib/helper.sh", "x")));

        Assert.Null(FunctionValidator.ValidateZipArchive(zip, requireBootstrap: true));
    }

    [Fact]
    public void Zip_with_dot_slash_bootstrap_counts_as_root()
    {
        using var zip = new MemoryStream(TestCode.Zip(("./bootstrap", "#!/bin/sh")));

        Assert.Null(FunctionValidator.ValidateZipArchive(zip, requireBootstrap: true));
    }

    [Fact]
    public void Zip_without_bootstrap_is_rejected_when_bootstrap_is_required()
    {
        using var zip = new MemoryStream(TestCode.Zip(("main.sh", "#!/bin/sh")));

        AssertError(FunctionValidator.ValidateZipArchive(zip, requireBootstrap: true), "FSS.1011", "no 'bootstrap' file at its root");
    }

    [Fact]
    public void Zip_with_bootstrap_only_in_a_folder_is_rejected_naming_what_was_found()
    {
        using var zip = new MemoryStream(TestCode.Zip(("app/bootstrap", "#!/bin/sh")));

        AssertError(FunctionValidator.ValidateZipArchive(zip, requireBootstrap: true), "FSS.1011", "found 'app/bootstrap'");
    }

    [Fact]
    public void Zip_with_a_bootstrap_directory_only_is_rejected()
    {
        using var zip = new MemoryStream(TestCode.Zip(("bootstrap/", ""), ("bootstrap/run", "x")));

        AssertError(FunctionValidator.ValidateZipArchive(zip, requireBootstrap: true), "FSS.1011", "no 'bootstrap' file at its root");
    }

    [Fact]
    public void Zip_without_bootstrap_is_accepted_when_not_required()
    {
        using var zip = new MemoryStream(TestCode.Zip(("index.py", "def handler(e, c): pass")));

        Assert.Null(FunctionValidator.ValidateZipArchive(zip, requireBootstrap: false));
    }

    [Theory]
    [InlineData("../evil")]
    [InlineData("a/../../evil")]
    [InlineData("a/..")]
    [InlineData("..\\evil")]
    [InlineData("/etc/passwd")]
    [InlineData("\\windows\\evil")]
    [InlineData("C:/evil")]
    [InlineData("c:\\evil")]
    public void Zip_entry_escaping_the_code_root_is_rejected(string entryName)
    {
        using var zip = new MemoryStream(TestCode.Zip(("bootstrap", "x"), (entryName, "boom")));

        AssertError(FunctionValidator.ValidateZipArchive(zip, requireBootstrap: true), "FSS.1011", "is not allowed: entry names must be relative paths");
    }

    [Theory]
    [InlineData("a..b")]
    [InlineData("..hidden")]
    [InlineData("dir/file..txt")]
    public void Zip_entry_with_dots_inside_a_name_is_accepted(string entryName)
    {
        using var zip = new MemoryStream(TestCode.Zip(("bootstrap", "x"), (entryName, "fine")));

        Assert.Null(FunctionValidator.ValidateZipArchive(zip, requireBootstrap: true));
    }

    [Fact]
    public void Unpacked_size_equal_to_the_limit_is_accepted_and_one_byte_more_rejected()
    {
        var zip = TestCode.Zip(("bootstrap", new string('x', 60)), ("data", new string('y', 40)));

        Assert.Null(FunctionValidator.ValidateZipArchive(new MemoryStream(zip), requireBootstrap: true, maxUnpacked: 100));
        AssertError(FunctionValidator.ValidateZipArchive(new MemoryStream(zip), requireBootstrap: true, maxUnpacked: 99),
            "FSS.1011", "unpacks to more than 99 bytes");
    }

    [Fact]
    public void Default_unpacked_limit_is_one_and_a_half_gigabytes()
    {
        Assert.Equal(1610612736, FunctionLimits.MaxUnpackedCodeBytes);
        Assert.Equal(41943040, FunctionLimits.MaxZipBytes);
    }

    [Fact]
    public void Bytes_that_are_not_a_zip_are_rejected()
    {
        using var notZip = new MemoryStream("this is not a zip archive at all"u8.ToArray());

        AssertError(FunctionValidator.ValidateZipArchive(notZip, requireBootstrap: false), "FSS.1011", "not a valid zip archive");
    }

    [Fact]
    public void Validation_leaves_the_stream_open()
    {
        using var zip = new MemoryStream(TestCode.Zip(("bootstrap", "x")));

        FunctionValidator.ValidateZipArchive(zip, requireBootstrap: true);

        Assert.True(zip.CanRead);
    }

    [Theory]
    [InlineData("Custom", true)]
    [InlineData("http", true)]
    [InlineData("Python3.9", false)]
    [InlineData("Java8", false)]
    public void Bootstrap_is_required_for_custom_and_http_only(string runtime, bool required)
    {
        Assert.Equal(required, FunctionRuntimes.RequiresBootstrap(runtime));
    }
}
