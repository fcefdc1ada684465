using Fgs.Core.Functions;

namespace Fgs.Core.Tests.Functions;

public sealed class FunctionMapperTests
{
    private static readonly DateTimeOffset Now = new(2024, 5, 6, 7, 8, 9, 123, TimeSpan.Zero);

    private static FunctionDefinition Create(CreateFunctionRequestBody body)
    {
        Assert.Null(FunctionValidator.ValidateCreate(body));
        return FunctionMapper.ToDefinition(body, "proj1", 1234, "digest", Now);
    }

    [Fact]
    public void Custom_function_gets_FunctionGraph_defaults()
    {
        var body = TestCode.Custom("hello");
        body.Package = null;
        body.Handler = null;
        body.MemorySize = null;
        body.Timeout = null;
        body.CodeFilename = null;

        var function = Create(body);

        Assert.Equal("proj1", function.ProjectId);
        Assert.Equal("default", function.Package);
        Assert.Equal("hello", function.Name);
        Assert.Equal("Custom", function.Runtime);
        Assert.Equal("bootstrap", function.Handler);
        Assert.Equal(128, function.MemorySize);
        Assert.Equal(3, function.Timeout);
        Assert.Equal("zip", function.CodeType);
        Assert.Equal("hello.zip", function.CodeFilename);
        Assert.Equal(1, function.ConcurrentNum);
        Assert.Equal(400, function.MaxInstanceNum);
        Assert.Equal("v2", function.Type);
        Assert.Equal("latest", function.Version);
        Assert.Equal(1, function.Revision);
        Assert.Equal(string.Empty, function.Description);
        Assert.Empty(function.UserData);
        Assert.Empty(function.Tags);
        Assert.False(function.EnableDynamicMemory);
        Assert.Null(function.InitializerHandler);
        Assert.Null(function.PreStopHandler);
    }

    [Theory]
    [InlineData("Java8", "com.example.Main.handle", 512, 15)]
    [InlineData("Java11", "com.example.Main.handle", 512, 15)]
    [InlineData("Java17", "com.example.Main::handle", 512, 15)]
    [InlineData("Python3.9", "index.handler", 128, 3)]
    [InlineData("Node.js18.15", "index.handler", 128, 3)]
    [InlineData("Go1.x", "handler", 128, 3)]
    [InlineData("PHP7.3", "index.handler", 128, 3)]
    [InlineData("C#(.NET Core 6.0)", "A::B.C::D", 128, 3)]
    [InlineData("http", "bootstrap", 128, 3)]
    public void Memory_and_timeout_defaults_depend_on_the_runtime(string runtime, string handler, int memory, int timeout)
    {
        var body = FunctionRuntimes.RequiresBootstrap(runtime) ? TestCode.Custom() : TestCode.Python();
        body.Runtime = runtime;
        body.Handler = handler;
        body.MemorySize = null;
        body.Timeout = null;

        var function = Create(body);

        Assert.Equal(memory, function.MemorySize);
        Assert.Equal(timeout, function.Timeout);
    }

    [Fact]
    public void Given_values_override_the_defaults()
    {
        var body = TestCode.Python();
        body.Runtime = "Java11";
        body.Handler = "com.example.Main.handle";
        body.Package = "apps";
        body.MemorySize = 2048;
        body.Timeout = 900;
        body.Description = "desc";
        body.UserData = "{\"B\":\"2\",\"A\":\"1\"}";
        body.EncryptedUserData = "{\"SECRET\":\"s\"}";
        body.InitializerHandler = "com.example.Main.init";
        body.InitializerTimeout = 30;
        body.PreStopHandler = "com.example.Main.stop";
        body.PreStopTimeout = 10;
        body.EnableDynamicMemory = true;
        body.IsStatefulFunction = true;
        body.Tags = "[{\"key\":\"env\",\"value\":\"prod\"}]";
        body.Type = "v1";
        body.Xrole = "agency";
        body.AppXrole = "app-agency";
        body.EnterpriseProjectId = "0";

        var function = Create(body);

        Assert.Equal("apps", function.Package);
        Assert.Equal(2048, function.MemorySize);
        Assert.Equal(900, function.Timeout);
        Assert.Equal("desc", function.Description);
        Assert.Equal(["B", "A"], function.UserData.Keys);
        Assert.Equal("s", function.EncryptedUserData["SECRET"]);
        Assert.Equal(("com.example.Main.init", 30), (function.InitializerHandler, function.InitializerTimeout));
        Assert.Equal(("com.example.Main.stop", 10), (function.PreStopHandler, function.PreStopTimeout));
        Assert.True(function.EnableDynamicMemory);
        Assert.True(function.IsStatefulFunction);
        Assert.Equal("prod", function.Tags["env"]);
        Assert.Equal("v1", function.Type);
        Assert.Equal("agency", function.Xrole);
        Assert.Equal("app-agency", function.AppXrole);
        Assert.Equal("0", function.EnterpriseProjectId);
    }

    [Fact]
    public void Code_metadata_and_times_come_from_the_caller_truncated_to_the_second()
    {
        var function = Create(TestCode.Custom());

        Assert.Equal(1234, function.CodeSize);
        Assert.Equal("digest", function.Digest);
        Assert.Equal(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero), function.Created);
        Assert.Equal(function.Created, function.LastModified);
    }

    [Fact]
    public void Invalid_body_makes_mapping_throw()
    {
        var body = TestCode.Custom();
        body.UserData = "{\"RUNTIME_X\":\"1\"}";

        Assert.Throws<ArgumentException>(() => FunctionMapper.ToDefinition(body, "proj1", 1, "d", Now));
    }

    [Theory]
    [InlineData(128, 38)]
    [InlineData(256, 75)]
    [InlineData(512, 150)]
    [InlineData(768, 225)]
    [InlineData(1024, 300)]
    [InlineData(1536, 450)]
    [InlineData(2048, 600)]
    [InlineData(4096, 1200)]
    [InlineData(10240, 3000)]
    public void Cpu_is_proportional_to_memory_at_300_millicores_per_gigabyte(int memory, int millicores)
    {
        Assert.Equal(millicores, FunctionMapper.CpuMillicores(memory));
        Assert.Equal(millicores, (TestCode.Definition() with { MemorySize = memory }).CpuMillicores);
    }

    [Fact]
    public void Digest_is_lowercase_sha512_hex()
    {
        Assert.Equal(
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            FunctionMapper.ComputeDigest("abc"u8));
    }

    [Fact]
    public void Update_config_changes_given_fields_and_keeps_the_rest()
    {
        var current = TestCode.Definition() with { Description = "old", Xrole = "x", UserData = new() { ["A"] = "1" } };
        var body = new UpdateFunctionConfigRequestBody
        {
            MemorySize = 1024,
            Timeout = 60,
            StrategyConfig = new StrategyConfig { ConcurrentNum = 10, Concurrency = 50 },
            EnableDynamicMemory = true,
        };
        var later = Now.AddMinutes(5);

        var updated = FunctionMapper.ApplyUpdateConfig(current, body, later);

        Assert.Equal(1024, updated.MemorySize);
        Assert.Equal(60, updated.Timeout);
        Assert.Equal(10, updated.ConcurrentNum);
        Assert.Equal(50, updated.MaxInstanceNum);
        Assert.True(updated.EnableDynamicMemory);
        Assert.Equal("old", updated.Description);
        Assert.Equal("x", updated.Xrole);
        Assert.Equal("1", updated.UserData["A"]);
        Assert.Equal(current.Handler, updated.Handler);
        Assert.Equal(current.Digest, updated.Digest);
        Assert.Equal(current.Created, updated.Created);
        Assert.Equal(new DateTimeOffset(2024, 5, 6, 7, 13, 9, TimeSpan.Zero), updated.LastModified);
        Assert.Equal(current.Revision + 1, updated.Revision);
    }

    [Fact]
    public void Update_config_with_empty_strings_clears_optional_settings()
    {
        var current = TestCode.Definition() with
        {
            Description = "old",
            Xrole = "x",
            UserData = new() { ["A"] = "1" },
            InitializerHandler = "init",
            InitializerTimeout = 5,
            PreStopHandler = "stop",
            PreStopTimeout = 5,
            Handler = "custom-entry",
        };
        var body = new UpdateFunctionConfigRequestBody
        {
            Description = "",
            Xrole = "",
            UserData = "",
            InitializerHandler = "",
            PreStopHandler = "",
            Handler = "",
        };

        var updated = FunctionMapper.ApplyUpdateConfig(current, body, Now);

        Assert.Equal(string.Empty, updated.Description);
        Assert.Null(updated.Xrole);
        Assert.Empty(updated.UserData);
        Assert.Null(updated.InitializerHandler);
        Assert.Null(updated.InitializerTimeout);
        Assert.Null(updated.PreStopHandler);
        Assert.Null(updated.PreStopTimeout);
        Assert.Equal("bootstrap", updated.Handler);
    }

    [Fact]
    public void Update_config_replaces_user_data_as_a_whole_in_the_given_order()
    {
        var current = TestCode.Definition() with { UserData = new() { ["A"] = "1", ["B"] = "2" } };

        var updated = FunctionMapper.ApplyUpdateConfig(current, new UpdateFunctionConfigRequestBody { UserData = "{\"C\":\"3\",\"A\":\"9\"}" }, Now);

        Assert.Equal(["C", "A"], updated.UserData.Keys);
        Assert.Equal(["3", "9"], updated.UserData.Values);
    }

    [Fact]
    public void Update_config_changes_runtime_and_handler_together()
    {
        var updated = FunctionMapper.ApplyUpdateConfig(TestCode.Definition(),
            new UpdateFunctionConfigRequestBody { Runtime = "Python3.9", Handler = "index.handler" }, Now);

        Assert.Equal(("Python3.9", "index.handler"), (updated.Runtime, updated.Handler));
    }

    [Fact]
    public void Update_code_replaces_code_metadata_only()
    {
        var current = TestCode.Definition();

        var updated = FunctionMapper.ApplyUpdateCode(current,
            new UpdateFunctionCodeRequestBody { CodeType = "zip", CodeFilename = "v2.zip", FuncCode = new FuncCode { File = "x" } },
            999, "newdigest", Now);

        Assert.Equal(999, updated.CodeSize);
        Assert.Equal("newdigest", updated.Digest);
        Assert.Equal("v2.zip", updated.CodeFilename);
        Assert.Equal(current.MemorySize, updated.MemorySize);
        Assert.Equal(current.Revision + 1, updated.Revision);
        Assert.Equal(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero), updated.LastModified);
    }

    [Fact]
    public void Update_code_without_file_name_keeps_the_current_one()
    {
        var updated = FunctionMapper.ApplyUpdateCode(TestCode.Definition(), new UpdateFunctionCodeRequestBody(), 1, "d", Now);

        Assert.Equal("hello.zip", updated.CodeFilename);
        Assert.Equal("zip", updated.CodeType);
    }

    [Fact]
    public void Max_instance_update_sets_the_limit()
    {
        var updated = FunctionMapper.ApplyMaxInstanceConfig(TestCode.Definition(), new UpdateFunctionMaxInstanceConfigRequestBody { MaxInstanceNum = -1 }, Now);

        Assert.Equal(-1, updated.MaxInstanceNum);
        Assert.Equal(2, updated.Revision);
    }

    [Fact]
    public void Config_view_reports_the_definition_in_FunctionGraph_terms()
    {
        var function = TestCode.Definition() with
        {
            UserData = new() { ["B"] = "2", ["A"] = "1" },
            InitializerHandler = "init",
            InitializerTimeout = 10,
            ConcurrentNum = 5,
            MaxInstanceNum = 100,
            Description = "d",
        };

        var view = FunctionMapper.ToConfigView<ShowFunctionConfigResponse>(function, "cn-north-4");

        Assert.Equal("urn:fss:cn-north-4:proj1:function:default:hello:latest", view.FuncUrn);
        Assert.Equal("hello", view.FuncName);
        Assert.Equal("proj1", view.Namespace);
        Assert.Equal("cn-north-4", view.ProjectName);
        Assert.Equal("default", view.Package);
        Assert.Equal("Custom", view.Runtime);
        Assert.Equal(30, view.Timeout);
        Assert.Equal("bootstrap", view.Handler);
        Assert.Equal(256, view.MemorySize);
        Assert.Equal(75, view.Cpu);
        Assert.Equal("zip", view.CodeType);
        Assert.Equal("hello.zip", view.CodeFilename);
        Assert.Equal(100, view.CodeSize);
        Assert.Equal("{\"B\":\"2\",\"A\":\"1\"}", view.UserData);
        Assert.Equal(string.Empty, view.EncryptedUserData);
        Assert.Equal(new string('a', 128), view.Digest);
        Assert.Equal("latest", view.Version);
        Assert.Equal("d", view.Description);
        Assert.Equal(function.LastModified, view.LastModified);
        Assert.Equal(100, view.StrategyConfig!.Concurrency);
        Assert.Equal(5, view.StrategyConfig.ConcurrentNum);
        Assert.Equal(("init", 10), (view.InitializerHandler, view.InitializerTimeout));
        Assert.Equal("v2", view.Type);
        Assert.False(view.EnableDynamicMemory);
        Assert.Null(view.DomainId);
    }

    [Fact]
    public void Every_config_response_type_can_be_filled()
    {
        var function = TestCode.Definition();

        Assert.Equal("hello", FunctionMapper.ToConfigView<CreateFunctionResponse>(function, "r").FuncName);
        Assert.Equal("hello", FunctionMapper.ToConfigView<UpdateFunctionConfigResponse>(function, "r").FuncName);
        Assert.Equal("hello", FunctionMapper.ToConfigView<UpdateFunctionMaxInstanceConfigResponse>(function, "r").FuncName);
    }

    [Fact]
    public void List_result_carries_an_unqualified_urn()
    {
        var result = FunctionMapper.ToListResult(TestCode.Definition(), "cn-north-4");

        Assert.Equal("urn:fss:cn-north-4:proj1:function:default:hello", result.FuncUrn);
        Assert.Equal(75, result.Cpu);
        Assert.Equal(400, result.StrategyConfig!.Concurrency);
    }

    [Fact]
    public void Code_view_carries_digest_size_and_download_link()
    {
        var view = FunctionMapper.ToCodeView<ShowFunctionCodeResponse>(TestCode.Definition(), "r", "https://example/code.zip");

        Assert.Equal("urn:fss:r:proj1:function:default:hello:latest", view.FuncUrn);
        Assert.Equal(100, view.CodeSize);
        Assert.Equal(new string('a', 128), view.Digest);
        Assert.Equal("https://example/code.zip", view.FuncCode!.Link);
        Assert.Equal(string.Empty, view.FuncCode.File);
        Assert.IsType<UpdateFunctionCodeResponse>(FunctionMapper.ToCodeView<UpdateFunctionCodeResponse>(TestCode.Definition(), "r"));
    }

    [Fact]
    public void User_data_serializes_to_a_json_object_or_empty_string()
    {
        Assert.Equal(string.Empty, FunctionMapper.SerializeUserData([]));
        Assert.Equal("{\"K\":\"v \\\"q\\\"\"}", FunctionMapper.SerializeUserData([new("K", "v \"q\"")]));
        Assert.Equal("{\"K\":\"héllo <b>\"}", FunctionMapper.SerializeUserData([new("K", "héllo <b>")]));
    }

    [Fact]
    public void Serialized_user_data_parses_back_to_the_same_variables()
    {
        var values = new OrderedDictionary<string, string> { ["Z"] = "é", ["A"] = "{\"json\":1}" };

        Assert.True(FunctionValidator.TryParseUserData(FunctionMapper.SerializeUserData(values), out var parsed, out _));

        Assert.Equal(values, parsed);
    }

    [Fact]
    public void Definition_urn_uses_its_version()
    {
        var urn = (TestCode.Definition() with { Version = "v1" }).GetUrn("r");

        Assert.Equal(new FunctionUrn("r", "proj1", "default", "hello", "v1"), urn);
    }
}
