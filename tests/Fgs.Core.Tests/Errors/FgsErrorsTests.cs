using System.Text.Json;
using Fgs.Core.Errors;
using Fgs.Core.Json;

namespace Fgs.Core.Tests.Errors;

public sealed class FgsErrorsTests
{
    public static TheoryData<string, int, string> Catalog => new()
    {
        { nameof(FgsErrors.BadRequest), 400, "FSS.0400" },
        { nameof(FgsErrors.NotSupported), 400, "FSS.0400" },
        { nameof(FgsErrors.InvalidQueryParameter), 400, "FSS.1001" },
        { nameof(FgsErrors.InvalidFunctionName), 400, "FSS.1002" },
        { nameof(FgsErrors.InvalidHandler), 400, "FSS.1003" },
        { nameof(FgsErrors.InvalidPackage), 400, "FSS.1004" },
        { nameof(FgsErrors.InvalidRuntime), 400, "FSS.1005" },
        { nameof(FgsErrors.InvalidCodeType), 400, "FSS.1006" },
        { nameof(FgsErrors.InvalidMemorySize), 400, "FSS.1007" },
        { nameof(FgsErrors.InvalidTimeout), 400, "FSS.1008" },
        { nameof(FgsErrors.InvalidUserData), 400, "FSS.1009" },
        { nameof(FgsErrors.InvalidCode), 400, "FSS.1011" },
        { nameof(FgsErrors.CodeRequired), 400, "FSS.1012" },
        { nameof(FgsErrors.InvalidAlias), 400, "FSS.1014" },
        { nameof(FgsErrors.InvalidVersion), 400, "FSS.1015" },
        { nameof(FgsErrors.MalformedBody), 400, "FSS.0406" },
        { nameof(FgsErrors.Conflict), 409, "FSS.0409" },
        { nameof(FgsErrors.FunctionError), 500, "FSS.4101" },
        { nameof(FgsErrors.InitializationFailed), 500, "FSS.4103" },
        { nameof(FgsErrors.InstanceCrashed), 500, "FSS.4105" },
        { nameof(FgsErrors.LoadFailed), 500, "FSS.4106" },
        { nameof(FgsErrors.DiskLimitExceeded), 500, "FSS.4108" },
    };

    [Theory]
    [MemberData(nameof(Catalog))]
    public void Message_factories_fix_status_and_code_and_keep_the_message(string factory, int status, string code)
    {
        Func<string, FgsError> create = factory switch
        {
            nameof(FgsErrors.BadRequest) => FgsErrors.BadRequest,
            nameof(FgsErrors.NotSupported) => FgsErrors.NotSupported,
            nameof(FgsErrors.InvalidQueryParameter) => FgsErrors.InvalidQueryParameter,
            nameof(FgsErrors.InvalidFunctionName) => FgsErrors.InvalidFunctionName,
            nameof(FgsErrors.InvalidHandler) => FgsErrors.InvalidHandler,
            nameof(FgsErrors.InvalidPackage) => FgsErrors.InvalidPackage,
            nameof(FgsErrors.InvalidRuntime) => FgsErrors.InvalidRuntime,
            nameof(FgsErrors.InvalidCodeType) => FgsErrors.InvalidCodeType,
            nameof(FgsErrors.InvalidMemorySize) => FgsErrors.InvalidMemorySize,
            nameof(FgsErrors.InvalidTimeout) => FgsErrors.InvalidTimeout,
            nameof(FgsErrors.InvalidUserData) => FgsErrors.InvalidUserData,
            nameof(FgsErrors.InvalidCode) => FgsErrors.InvalidCode,
            nameof(FgsErrors.CodeRequired) => FgsErrors.CodeRequired,
            nameof(FgsErrors.InvalidAlias) => FgsErrors.InvalidAlias,
            nameof(FgsErrors.InvalidVersion) => FgsErrors.InvalidVersion,
            nameof(FgsErrors.MalformedBody) => FgsErrors.MalformedBody,
            nameof(FgsErrors.Conflict) => FgsErrors.Conflict,
            nameof(FgsErrors.FunctionError) => FgsErrors.FunctionError,
            nameof(FgsErrors.InitializationFailed) => FgsErrors.InitializationFailed,
            nameof(FgsErrors.InstanceCrashed) => FgsErrors.InstanceCrashed,
            nameof(FgsErrors.LoadFailed) => FgsErrors.LoadFailed,
            nameof(FgsErrors.DiskLimitExceeded) => FgsErrors.DiskLimitExceeded,
            _ => throw new ArgumentOutOfRangeException(nameof(factory)),
        };

        var error = create("the detail");

        Assert.Equal(status, error.HttpStatus);
        Assert.Equal(code, error.ErrorCode);
        Assert.Contains("the detail", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Overload_is_429_FSS_0429_with_FunctionGraph_message()
    {
        var error = FgsErrors.Overload();

        Assert.Equal(new FgsError(429, "FSS.0429", "Your request has been controlled by overload sdk, please retry later"), error);
    }

    [Fact]
    public void Dynamic_memory_outside_list_is_400_FSS_0406_listing_every_size()
    {
        var error = FgsErrors.DynamicMemoryNotInList();

        Assert.Equal(400, error.HttpStatus);
        Assert.Equal("FSS.0406", error.ErrorCode);
        Assert.Equal("X-Cff-Instance-Memory not in [128 256 512 768 1024 1280 1536 1792 2048 2560 3072 3584 4096 8192 10240]",
            error.ErrorMessage);
    }

    [Fact]
    public void Function_not_found_is_404_FSS_1051_with_FunctionGraph_message()
    {
        Assert.Equal(new FgsError(404, "FSS.1051", "Not found the function"), FgsErrors.FunctionNotFound());
        Assert.Equal("Not found the function: urn:x", FgsErrors.FunctionNotFound("urn:x").ErrorMessage);
    }

    [Fact]
    public void Version_and_alias_not_found_are_404_with_their_own_codes()
    {
        var version = FgsErrors.VersionNotFound("v1");
        var alias = FgsErrors.AliasNotFound("prod");

        Assert.Equal((404, "FSS.1052"), (version.HttpStatus, version.ErrorCode));
        Assert.Contains("v1", version.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal((404, "FSS.1053"), (alias.HttpStatus, alias.ErrorCode));
        Assert.Contains("prod", alias.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Already_exists_errors_are_409_with_FunctionGraph_codes()
    {
        Assert.Equal((409, "FSS.1061"), Pair(FgsErrors.FunctionAlreadyExists("f")));
        Assert.Equal((409, "FSS.1062"), Pair(FgsErrors.VersionAlreadyExists("v1")));
        Assert.Equal((409, "FSS.1063"), Pair(FgsErrors.AliasAlreadyExists("a")));
    }

    [Fact]
    public void Size_limit_errors_are_413()
    {
        var body = FgsErrors.RequestEntityTooLarge(6291456);
        var code = FgsErrors.CodePackageTooLarge(41943041, 41943040);

        Assert.Equal((413, "FSS.0413"), Pair(body));
        Assert.Contains("6291456", body.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal((413, "FSS.1071"), Pair(code));
        Assert.Contains("41943041", code.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("40 MB", code.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Unauthorized_forbidden_media_type_internal_and_unavailable_have_their_statuses()
    {
        Assert.Equal((401, "FSS.0401"), Pair(FgsErrors.Unauthorized()));
        Assert.Equal((403, "FSS.0403"), Pair(FgsErrors.Forbidden()));
        Assert.Equal((403, "FSS.0403"), Pair(FgsErrors.QuotaExceeded("versions per function", 20)));
        Assert.Equal((403, "FSS.1043"), Pair(FgsErrors.AliasQuotaExceeded()));
        Assert.Equal((404, "FSS.0404"), Pair(FgsErrors.NotFound()));
        Assert.Equal((415, "FSS.0415"), Pair(FgsErrors.UnsupportedMediaType("text/plain")));
        Assert.Contains("text/plain", FgsErrors.UnsupportedMediaType("text/plain").ErrorMessage, StringComparison.Ordinal);
        Assert.Equal((500, "FSS.0500"), Pair(FgsErrors.InternalError()));
        Assert.Equal((503, "FSS.0503"), Pair(FgsErrors.ServiceUnavailable()));
    }

    [Fact]
    public void Invocation_failures_name_the_limit_they_hit()
    {
        Assert.Equal((500, "FSS.4102"), Pair(FgsErrors.FunctionTimedOut(3)));
        Assert.Contains("3 s", FgsErrors.FunctionTimedOut(3).ErrorMessage, StringComparison.Ordinal);
        Assert.Equal((500, "FSS.4104"), Pair(FgsErrors.ResponseTooLarge(7000000)));
        Assert.Contains("6291456", FgsErrors.ResponseTooLarge(7000000).ErrorMessage, StringComparison.Ordinal);
        Assert.Equal((500, "FSS.4107"), Pair(FgsErrors.MemoryLimitExceeded(128)));
    }

    [Fact]
    public void User_data_too_large_is_FSS_1018_naming_field_and_total()
    {
        var error = FgsErrors.UserDataTooLarge("user_data", 4097);

        Assert.Equal((400, "FSS.1018"), Pair(error));
        Assert.Contains("user_data", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("4097", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("4096", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_error_is_empty_and_a_real_one_is_not()
    {
        Assert.True(default(FgsError).IsEmpty);
        Assert.False(FgsErrors.Overload().IsEmpty);
    }

    [Fact]
    public void Error_body_serializes_with_error_code_and_error_msg_only()
    {
        var json = JsonSerializer.Serialize(FgsErrors.Overload().ToBody(), FgsJsonContext.Default.ErrorBody);

        Assert.Equal("{\"error_code\":\"FSS.0429\",\"error_msg\":\"Your request has been controlled by overload sdk, please retry later\"}", json);
    }

    [Fact]
    public void Error_body_reads_back_from_FunctionGraph_json()
    {
        var body = JsonSerializer.Deserialize("{\"error_code\":\"FSS.1051\",\"error_msg\":\"Not found the function\"}",
            FgsJsonContext.Default.ErrorBody);

        Assert.NotNull(body);
        Assert.Equal("FSS.1051", body.ErrorCode);
        Assert.Equal("Not found the function", body.ErrorMsg);
    }

    private static (int, string) Pair(FgsError error) => (error.HttpStatus, error.ErrorCode);
}
