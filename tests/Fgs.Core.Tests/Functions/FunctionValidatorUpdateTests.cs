using Fgs.Core.Functions;
using static Fgs.Core.Tests.Functions.FunctionValidatorCreateTests;

namespace Fgs.Core.Tests.Functions;

public sealed class FunctionValidatorUpdateTests
{
    private static readonly FunctionDefinition Current = TestCode.Definition();

    [Fact]
    public void Empty_update_config_body_is_accepted()
    {
        Assert.Null(FunctionValidator.ValidateUpdateConfig(new UpdateFunctionConfigRequestBody(), Current));
    }

    [Fact]
    public void Missing_update_config_body_is_rejected()
    {
        AssertError(FunctionValidator.ValidateUpdateConfig(null, Current), "FSS.0400", "body is required");
    }

    [Fact]
    public void Typical_sdk_update_config_body_is_accepted()
    {
        var body = new UpdateFunctionConfigRequestBody
        {
            FuncName = "hello",
            Runtime = "Custom",
            Handler = "bootstrap",
            MemorySize = 512,
            Timeout = 60,
            UserData = "{\"A\":\"1\"}",
            Description = "updated",
        };

        Assert.Null(FunctionValidator.ValidateUpdateConfig(body, Current));
    }

    [Fact]
    public void Update_config_with_invalid_name_is_rejected()
    {
        AssertError(FunctionValidator.ValidateUpdateConfig(new UpdateFunctionConfigRequestBody { FuncName = "1bad" }, Current),
            "FSS.1002", "func_name must be");
    }

    [Fact]
    public void Update_config_checks_memory_timeout_description_and_user_data_like_create()
    {
        AssertError(FunctionValidator.ValidateUpdateConfig(new UpdateFunctionConfigRequestBody { MemorySize = 129 }, Current), "FSS.1007", "129");
        AssertError(FunctionValidator.ValidateUpdateConfig(new UpdateFunctionConfigRequestBody { Timeout = 2 }, Current), "FSS.1008", "timeout 2");
        AssertError(FunctionValidator.ValidateUpdateConfig(new UpdateFunctionConfigRequestBody { Timeout = 259201 }, Current), "FSS.1008", "259201");
        AssertError(FunctionValidator.ValidateUpdateConfig(new UpdateFunctionConfigRequestBody { Description = new string('d', 513) }, Current),
            "FSS.0400", "513");
        AssertError(FunctionValidator.ValidateUpdateConfig(new UpdateFunctionConfigRequestBody { UserData = "{\"RUNTIME_X\":\"1\"}" }, Current),
            "FSS.1009", "reserved");
        Assert.Null(FunctionValidator.ValidateUpdateConfig(new UpdateFunctionConfigRequestBody { Timeout = 259200, MemorySize = 10240 }, Current));
    }

    [Fact]
    public void Changing_runtime_checks_the_current_handler_against_the_new_runtime()
    {
        var body = new UpdateFunctionConfigRequestBody { Runtime = "Python3.9" };

        AssertError(FunctionValidator.ValidateUpdateConfig(body, Current), "FSS.1003", "form file.function for runtime Python3.9");

        body.Handler = "index.handler";
        Assert.Null(FunctionValidator.ValidateUpdateConfig(body, Current));
    }

    [Fact]
    public void Empty_handler_resets_custom_but_is_rejected_for_python()
    {
        Assert.Null(FunctionValidator.ValidateUpdateConfig(new UpdateFunctionConfigRequestBody { Handler = "" }, Current));

        var python = TestCode.Definition("Python3.9", "index.handler");
        AssertError(FunctionValidator.ValidateUpdateConfig(new UpdateFunctionConfigRequestBody { Handler = "" }, python),
            "FSS.1003", "handler is required for runtime Python3.9");
    }

    [Fact]
    public void Unknown_runtime_in_update_is_rejected()
    {
        AssertError(FunctionValidator.ValidateUpdateConfig(new UpdateFunctionConfigRequestBody { Runtime = "Ruby" }, Current), "FSS.1005", "Ruby");
    }

    [Fact]
    public void Switching_inline_code_to_a_bootstrap_runtime_is_rejected()
    {
        var inline = TestCode.Definition("Python3.9", "index.handler") with { CodeType = "inline" };

        AssertError(FunctionValidator.ValidateUpdateConfig(new UpdateFunctionConfigRequestBody { Runtime = "Custom", Handler = "bootstrap" }, inline),
            "FSS.1006", "code_type is inline");
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(1000, true)]
    [InlineData(1001, false)]
    public void Concurrent_num_must_be_1_to_1000(int concurrentNum, bool valid)
    {
        var body = new UpdateFunctionConfigRequestBody { StrategyConfig = new StrategyConfig { ConcurrentNum = concurrentNum } };

        var error = FunctionValidator.ValidateUpdateConfig(body, Current);

        if (valid)
        {
            Assert.Null(error);
        }
        else
        {
            AssertError(error, "FSS.0400", $"strategy_config.concurrent_num {concurrentNum} is invalid: it must be between 1 and 1000");
        }
    }

    [Theory]
    [InlineData(-2, false)]
    [InlineData(-1, true)]
    [InlineData(0, true)]
    [InlineData(400, true)]
    [InlineData(1000, true)]
    [InlineData(1001, false)]
    public void Strategy_concurrency_max_instances_must_be_minus_1_or_0_to_1000(int concurrency, bool valid)
    {
        var body = new UpdateFunctionConfigRequestBody { StrategyConfig = new StrategyConfig { Concurrency = concurrency } };

        var error = FunctionValidator.ValidateUpdateConfig(body, Current);

        if (valid)
        {
            Assert.Null(error);
        }
        else
        {
            AssertError(error, "FSS.0400", "strategy_config.concurrency");
        }
    }

    [Fact]
    public void Concurrent_num_check_is_available_on_its_own()
    {
        Assert.Null(FunctionValidator.ValidateConcurrentNum(1));
        Assert.Null(FunctionValidator.ValidateConcurrentNum(1000));
        AssertError(FunctionValidator.ValidateConcurrentNum(0), "FSS.0400", "concurrent_num 0");
        AssertError(FunctionValidator.ValidateConcurrentNum(1001), "FSS.0400", "concurrent_num 1001");
    }

    [Fact]
    public void Initializer_added_in_update_needs_a_timeout_in_range()
    {
        AssertError(FunctionValidator.ValidateUpdateConfig(new UpdateFunctionConfigRequestBody { InitializerHandler = "init" }, Current),
            "FSS.1008", "initializer_timeout is required");
        AssertError(FunctionValidator.ValidateUpdateConfig(
                new UpdateFunctionConfigRequestBody { InitializerHandler = "init", InitializerTimeout = 301 }, Current),
            "FSS.1008", "initializer_timeout 301");
        Assert.Null(FunctionValidator.ValidateUpdateConfig(
            new UpdateFunctionConfigRequestBody { InitializerHandler = "init", InitializerTimeout = 300 }, Current));
    }

    [Fact]
    public void Initializer_timeout_change_is_checked_against_the_current_initializer()
    {
        var withInitializer = Current with { InitializerHandler = "init", InitializerTimeout = 10 };

        Assert.Null(FunctionValidator.ValidateUpdateConfig(new UpdateFunctionConfigRequestBody { InitializerTimeout = 1 }, withInitializer));
        AssertError(FunctionValidator.ValidateUpdateConfig(new UpdateFunctionConfigRequestBody { InitializerTimeout = 0 }, withInitializer),
            "FSS.1008", "initializer_timeout 0");
        Assert.Null(FunctionValidator.ValidateUpdateConfig(
            new UpdateFunctionConfigRequestBody { InitializerHandler = "", InitializerTimeout = 0 }, withInitializer));
    }

    [Fact]
    public void Pre_stop_and_restore_hook_timeouts_are_checked_in_update()
    {
        AssertError(FunctionValidator.ValidateUpdateConfig(
                new UpdateFunctionConfigRequestBody { PreStopHandler = "stop", PreStopTimeout = 91 }, Current),
            "FSS.1008", "pre_stop_timeout 91");
        AssertError(FunctionValidator.ValidateUpdateConfig(
                new UpdateFunctionConfigRequestBody { RestoreHookHandler = "restore", RestoreHookTimeout = 0 }, Current),
            "FSS.1008", "restore_hook_timeout 0");
        Assert.Null(FunctionValidator.ValidateUpdateConfig(
            new UpdateFunctionConfigRequestBody { PreStopHandler = "stop", PreStopTimeout = 90, RestoreHookHandler = "restore", RestoreHookTimeout = 300 },
            Current));
    }

    [Fact]
    public void Heartbeat_handler_must_fit_the_runtime()
    {
        var python = TestCode.Definition("Python3.9", "index.handler");

        AssertError(FunctionValidator.ValidateUpdateConfig(new UpdateFunctionConfigRequestBody { HeartbeatHandler = "beat" }, python),
            "FSS.1003", "heartbeat_handler");
        Assert.Null(FunctionValidator.ValidateUpdateConfig(new UpdateFunctionConfigRequestBody { HeartbeatHandler = "index.beat" }, python));
    }

    [Fact]
    public void Update_code_with_new_zip_is_accepted()
    {
        var body = new UpdateFunctionCodeRequestBody { CodeType = "zip", FuncCode = new FuncCode { File = TestCode.BootstrapZipBase64() } };

        Assert.Null(FunctionValidator.ValidateUpdateCode(body, Current));
    }

    [Fact]
    public void Update_code_without_code_type_uses_the_current_one()
    {
        var body = new UpdateFunctionCodeRequestBody { FuncCode = new FuncCode { File = TestCode.BootstrapZipBase64() } };

        Assert.Null(FunctionValidator.ValidateUpdateCode(body, Current));
    }

    [Fact]
    public void Update_code_rejects_unsupported_types_missing_code_and_bad_base64()
    {
        AssertError(FunctionValidator.ValidateUpdateCode(new UpdateFunctionCodeRequestBody { CodeType = "obs", CodeUrl = "https://x" }, Current),
            "FSS.1006", "not supported");
        AssertError(FunctionValidator.ValidateUpdateCode(new UpdateFunctionCodeRequestBody { CodeType = "zip" }, Current),
            "FSS.1012", "func_code.file is required");
        AssertError(FunctionValidator.ValidateUpdateCode(
                new UpdateFunctionCodeRequestBody { CodeType = "zip", FuncCode = new FuncCode { File = "***" } }, Current),
            "FSS.1011", "base64");
        Assert.Null(FunctionValidator.ValidateUpdateCode(
            new UpdateFunctionCodeRequestBody { CodeType = "inline", FuncCode = new FuncCode { File = "YQ==" } }, Current));
        AssertError(FunctionValidator.ValidateUpdateCode(null, Current), "FSS.0400", "body is required");
    }

    [Theory]
    [InlineData(-2, false)]
    [InlineData(-1, true)]
    [InlineData(0, true)]
    [InlineData(1000, true)]
    [InlineData(1001, false)]
    public void Max_instance_num_must_be_minus_1_or_0_to_1000(int max, bool valid)
    {
        var error = FunctionValidator.ValidateMaxInstanceConfig(new UpdateFunctionMaxInstanceConfigRequestBody { MaxInstanceNum = max });

        if (valid)
        {
            Assert.Null(error);
        }
        else
        {
            AssertError(error, "FSS.0400", $"max_instance_num {max} is invalid");
        }
    }

    [Fact]
    public void Max_instance_num_is_required()
    {
        AssertError(FunctionValidator.ValidateMaxInstanceConfig(new UpdateFunctionMaxInstanceConfigRequestBody()), "FSS.0400", "required");
        AssertError(FunctionValidator.ValidateMaxInstanceConfig(null), "FSS.0400", "required");
    }

    [Fact]
    public void Version_and_alias_names_follow_their_rules()
    {
        Assert.Null(FunctionValidator.ValidateVersionName("v1.2-beta_3"));
        Assert.Null(FunctionValidator.ValidateVersionName(new string('v', 42)));
        AssertError(FunctionValidator.ValidateVersionName(new string('v', 43)), "FSS.1015", "1-42");
        AssertError(FunctionValidator.ValidateVersionName("v 1"), "FSS.1015", "1-42");

        Assert.Null(FunctionValidator.ValidateAliasName("a" + new string('b', 62)));
        AssertError(FunctionValidator.ValidateAliasName("a" + new string('b', 63)), "FSS.1014", "1-63");
        AssertError(FunctionValidator.ValidateAliasName("1alias"), "FSS.1014", "starting with a letter");
        AssertError(FunctionValidator.ValidateAliasName("a.b"), "FSS.1014", "1-63");
    }

    [Fact]
    public void Default_version_name_is_v_date_time()
    {
        Assert.Equal("v20240506-070809", FunctionNames.DefaultVersionName(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero)));
    }

    // ---- dynamic memory ----

    [Fact]
    public void Instance_memory_header_is_ignored_when_dynamic_memory_is_off()
    {
        Assert.True(FunctionValidator.TryResolveInstanceMemory("1024", Current, out var memory, out _));
        Assert.Equal(256, memory);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_instance_memory_header_means_the_configured_size(string? header)
    {
        var dynamic = Current with { EnableDynamicMemory = true };

        Assert.True(FunctionValidator.TryResolveInstanceMemory(header, dynamic, out var memory, out _));
        Assert.Equal(256, memory);
    }

    [Theory]
    [InlineData("128", 128)]
    [InlineData("10240", 10240)]
    [InlineData(" 512 ", 512)]
    public void Instance_memory_header_in_the_list_picks_the_size(string header, int expected)
    {
        var dynamic = Current with { EnableDynamicMemory = true };

        Assert.True(FunctionValidator.TryResolveInstanceMemory(header, dynamic, out var memory, out _));
        Assert.Equal(expected, memory);
    }

    [Theory]
    [InlineData("100")]
    [InlineData("129")]
    [InlineData("-128")]
    [InlineData("abc")]
    [InlineData("512MB")]
    public void Instance_memory_header_outside_the_list_is_rejected_with_FSS_0406(string header)
    {
        var dynamic = Current with { EnableDynamicMemory = true };

        Assert.False(FunctionValidator.TryResolveInstanceMemory(header, dynamic, out _, out var error));
        Assert.Equal(400, error.HttpStatus);
        Assert.Equal("FSS.0406", error.ErrorCode);
        Assert.StartsWith("X-Cff-Instance-Memory not in [128 256", error.ErrorMessage, StringComparison.Ordinal);
    }
}
