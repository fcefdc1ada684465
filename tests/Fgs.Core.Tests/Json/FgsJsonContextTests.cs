using System.Text.Json;
using Fgs.Core.Functions;
using Fgs.Core.Json;
using Fgs.Core.Tests.Functions;

namespace Fgs.Core.Tests.Json;

public sealed class FgsJsonContextTests
{
    // What the Node.js SDK sends for `new CreateFunctionRequestBody().withFuncName(...)...`: its
    // models store values under the snake_case keys, which JSON.stringify writes as they are.
    private const string SdkCreateBody = """
        {
          "func_name": "hello",
          "package": "default",
          "runtime": "Custom",
          "timeout": 30,
          "handler": "bootstrap",
          "depend_version_list": ["dep-1"],
          "func_vpc": {"vpc_id": "vpc-1", "subnet_id": "sub-1", "security_groups": ["sg-1"], "is_safety": false},
          "memory_size": 256,
          "gpu_memory": 1024,
          "gpu_type": "NVIDIA-T4",
          "code_type": "zip",
          "code_url": "",
          "code_filename": "hello.zip",
          "custom_image": {"enabled": false, "image": "img"},
          "user_data": "{\"A\":\"1\"}",
          "encrypted_user_data": "{\"S\":\"2\"}",
          "xrole": "agency",
          "app_xrole": "app-agency",
          "description": "my function",
          "func_code": {"file": "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==", "link": ""},
          "mount_config": {"mount_user": {"user_id": 1003, "user_group_id": 1003}, "func_mounts": [{"mount_type": "sfs", "mount_resource": "r", "mount_share_path": "/s", "local_mount_path": "/mnt"}]},
          "initializer_handler": "init",
          "initializer_timeout": 10,
          "pre_stop_handler": "stop",
          "pre_stop_timeout": 5,
          "enterprise_project_id": "0",
          "type": "v2",
          "log_config": {"group_name": "g", "group_id": "gid", "stream_name": "s", "stream_id": "sid"},
          "network_controller": {"disable_public_network": true, "trigger_access_vpcs": [{"vpc_name": "v", "vpc_id": "vid"}]},
          "is_stateful_function": false,
          "enable_dynamic_memory": true,
          "enable_lts_log": false,
          "lts_custom_tag": {"k": "v"},
          "user_data_encrypt_kms_key_id": "kms1",
          "code_encrypt_kms_key_id": "kms2",
          "domain_names": "example.com",
          "tags": "[{\"key\":\"env\",\"value\":\"prod\"}]"
        }
        """;

    [Fact]
    public void Create_body_reads_every_sdk_field_by_its_snake_case_name()
    {
        var body = JsonSerializer.Deserialize(SdkCreateBody, FgsJsonContext.Default.CreateFunctionRequestBody);

        Assert.NotNull(body);
        Assert.Equal("hello", body.FuncName);
        Assert.Equal("default", body.Package);
        Assert.Equal("Custom", body.Runtime);
        Assert.Equal(30, body.Timeout);
        Assert.Equal("bootstrap", body.Handler);
        Assert.Equal(["dep-1"], body.DependVersionList!);
        Assert.Equal("vpc-1", body.FuncVpc!.VpcId);
        Assert.Equal(["sg-1"], body.FuncVpc.SecurityGroups!);
        Assert.Equal(256, body.MemorySize);
        Assert.Equal(1024, body.GpuMemory);
        Assert.Equal("NVIDIA-T4", body.GpuType);
        Assert.Equal("zip", body.CodeType);
        Assert.Equal("", body.CodeUrl);
        Assert.Equal("hello.zip", body.CodeFilename);
        Assert.Equal("img", body.CustomImage!.Image);
        Assert.Equal("{\"A\":\"1\"}", body.UserData);
        Assert.Equal("{\"S\":\"2\"}", body.EncryptedUserData);
        Assert.Equal("agency", body.Xrole);
        Assert.Equal("app-agency", body.AppXrole);
        Assert.Equal("my function", body.Description);
        Assert.Equal("UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==", body.FuncCode!.File);
        Assert.Equal(1003, body.MountConfig!.MountUser!.UserGroupId);
        Assert.Equal("/mnt", body.MountConfig.FuncMounts![0].LocalMountPath);
        Assert.Equal(("init", 10), (body.InitializerHandler, body.InitializerTimeout));
        Assert.Equal(("stop", 5), (body.PreStopHandler, body.PreStopTimeout));
        Assert.Equal("0", body.EnterpriseProjectId);
        Assert.Equal("v2", body.Type);
        Assert.Equal("sid", body.LogConfig!.StreamId);
        Assert.Equal("vid", body.NetworkController!.TriggerAccessVpcs![0].VpcId);
        Assert.True(body.NetworkController.DisablePublicNetwork);
        Assert.False(body.IsStatefulFunction);
        Assert.True(body.EnableDynamicMemory);
        Assert.False(body.EnableLtsLog);
        Assert.Equal("v", body.LtsCustomTag!["k"]);
        Assert.Equal("kms1", body.UserDataEncryptKmsKeyId);
        Assert.Equal("kms2", body.CodeEncryptKmsKeyId);
        Assert.Equal("example.com", body.DomainNames);
        Assert.Equal("[{\"key\":\"env\",\"value\":\"prod\"}]", body.Tags);
    }

    [Fact]
    public void Create_body_round_trips_with_the_sdk_names_and_no_nulls()
    {
        var body = JsonSerializer.Deserialize(SdkCreateBody, FgsJsonContext.Default.CreateFunctionRequestBody)!;

        var json = JsonSerializer.Serialize(body, FgsJsonContext.Default.CreateFunctionRequestBody);

        using var expected = JsonDocument.Parse(SdkCreateBody);
        using var actual = JsonDocument.Parse(json);
        Assert.Equal(
            expected.RootElement.EnumerateObject().Select(p => p.Name).Order(),
            actual.RootElement.EnumerateObject().Select(p => p.Name).Order());
        Assert.True(JsonElement.DeepEquals(expected.RootElement, actual.RootElement));
    }

    [Fact]
    public void Null_fields_are_left_out_of_the_json()
    {
        var json = JsonSerializer.Serialize(new CreateFunctionRequestBody { FuncName = "f" }, FgsJsonContext.Default.CreateFunctionRequestBody);

        Assert.Equal("{\"func_name\":\"f\"}", json);
    }

    [Fact]
    public void Numbers_sent_as_strings_are_accepted()
    {
        var body = JsonSerializer.Deserialize("{\"timeout\":\"30\",\"memory_size\":\"512\"}", FgsJsonContext.Default.CreateFunctionRequestBody)!;

        Assert.Equal((30, 512), (body.Timeout, body.MemorySize));
    }

    [Fact]
    public void Update_config_body_reads_the_sdk_names()
    {
        const string json = """
            {"func_name":"hello","runtime":"Custom","timeout":60,"handler":"bootstrap","memory_size":512,
             "user_data":"{}","strategy_config":{"concurrency":10,"concurrent_num":5},"initializer_handler":"i",
             "initializer_timeout":3,"pre_stop_handler":"p","pre_stop_timeout":4,"restore_hook_handler":"r",
             "restore_hook_timeout":5,"heartbeat_handler":"h","enable_dynamic_memory":true,"is_stateful_function":true,
             "ephemeral_storage":512,"peering_cidr":"10.0.0.0/8","extend_config":"{}","enable_auth_in_header":false,
             "enable_class_isolation":false,"gpu_memory":2048,"gpu_type":"t4","app_xrole":"a","xrole":"x",
             "description":"d","encrypted_user_data":"{}","domain_names":"d","enable_lts_log":true,
             "lts_custom_tag":{"a":"b"},"user_data_encrypt_kms_key_id":"k","enterprise_project_id":"0"}
            """;

        var body = JsonSerializer.Deserialize(json, FgsJsonContext.Default.UpdateFunctionConfigRequestBody)!;

        Assert.Equal(("hello", "Custom", 60, "bootstrap", 512), (body.FuncName, body.Runtime, body.Timeout, body.Handler, body.MemorySize));
        Assert.Equal((10, 5), (body.StrategyConfig!.Concurrency, body.StrategyConfig.ConcurrentNum));
        Assert.Equal(("r", 5), (body.RestoreHookHandler, body.RestoreHookTimeout));
        Assert.Equal("h", body.HeartbeatHandler);
        Assert.Equal(512, body.EphemeralStorage);
        Assert.Equal("10.0.0.0/8", body.PeeringCidr);
        Assert.Equal(2048, body.GpuMemory);

        using var expected = JsonDocument.Parse(json);
        using var actual = JsonDocument.Parse(JsonSerializer.Serialize(body, FgsJsonContext.Default.UpdateFunctionConfigRequestBody));
        Assert.True(JsonElement.DeepEquals(expected.RootElement, actual.RootElement));
    }

    [Fact]
    public void Update_code_body_reads_the_sdk_names()
    {
        const string json = """
            {"code_type":"zip","code_url":"","code_filename":"a.zip","func_code":{"file":"UEs="},"depend_version_list":["d"],"code_encrypt_kms_key_id":"k"}
            """;

        var body = JsonSerializer.Deserialize(json, FgsJsonContext.Default.UpdateFunctionCodeRequestBody)!;

        Assert.Equal(("zip", "a.zip", "UEs="), (body.CodeType, body.CodeFilename, body.FuncCode!.File));
        using var expected = JsonDocument.Parse(json);
        using var actual = JsonDocument.Parse(JsonSerializer.Serialize(body, FgsJsonContext.Default.UpdateFunctionCodeRequestBody));
        Assert.True(JsonElement.DeepEquals(expected.RootElement, actual.RootElement));
    }

    [Fact]
    public void Max_instance_body_reads_max_instance_num()
    {
        var body = JsonSerializer.Deserialize("{\"max_instance_num\":-1}", FgsJsonContext.Default.UpdateFunctionMaxInstanceConfigRequestBody)!;

        Assert.Equal(-1, body.MaxInstanceNum);
    }

    [Fact]
    public void Config_response_is_written_with_the_sdk_names()
    {
        var function = TestCode.Definition() with
        {
            UserData = new() { ["A"] = "1" },
            InitializerHandler = "init",
            InitializerTimeout = 10,
            EnableDynamicMemory = true,
        };
        var view = FunctionMapper.ToConfigView<ShowFunctionConfigResponse>(function, "cn-north-4");

        var json = JsonSerializer.Serialize(view, FgsJsonContext.Default.ShowFunctionConfigResponse);

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal("urn:fss:cn-north-4:proj1:function:default:hello:latest", root.GetProperty("func_urn").GetString());
        Assert.Equal("hello", root.GetProperty("func_name").GetString());
        Assert.Equal("proj1", root.GetProperty("namespace").GetString());
        Assert.Equal("cn-north-4", root.GetProperty("project_name").GetString());
        Assert.Equal("default", root.GetProperty("package").GetString());
        Assert.Equal("Custom", root.GetProperty("runtime").GetString());
        Assert.Equal(30, root.GetProperty("timeout").GetInt32());
        Assert.Equal("bootstrap", root.GetProperty("handler").GetString());
        Assert.Equal(256, root.GetProperty("memory_size").GetInt32());
        Assert.Equal(75, root.GetProperty("cpu").GetInt32());
        Assert.Equal("zip", root.GetProperty("code_type").GetString());
        Assert.Equal("hello.zip", root.GetProperty("code_filename").GetString());
        Assert.Equal(100, root.GetProperty("code_size").GetInt64());
        Assert.Equal("{\"A\":\"1\"}", root.GetProperty("user_data").GetString());
        Assert.Equal("", root.GetProperty("encrypted_user_data").GetString());
        Assert.Equal(new string('a', 128), root.GetProperty("digest").GetString());
        Assert.Equal("latest", root.GetProperty("version").GetString());
        Assert.Equal("", root.GetProperty("description").GetString());
        Assert.Equal("2024-05-06T07:08:09+00:00", root.GetProperty("last_modified").GetString());
        Assert.Equal(400, root.GetProperty("strategy_config").GetProperty("concurrency").GetInt32());
        Assert.Equal(1, root.GetProperty("strategy_config").GetProperty("concurrent_num").GetInt32());
        Assert.Equal("init", root.GetProperty("initializer_handler").GetString());
        Assert.Equal(10, root.GetProperty("initializer_timeout").GetInt32());
        Assert.Equal("v2", root.GetProperty("type").GetString());
        Assert.True(root.GetProperty("enable_dynamic_memory").GetBoolean());
        Assert.False(root.GetProperty("is_stateful_function").GetBoolean());
        Assert.False(root.TryGetProperty("domain_id", out _));
        Assert.False(root.TryGetProperty("pre_stop_handler", out _));
        Assert.False(root.TryGetProperty("xrole", out _));
        Assert.All(root.EnumerateObject(), p => Assert.NotEqual(JsonValueKind.Null, p.Value.ValueKind));
    }

    [Fact]
    public void Config_response_reads_back_to_the_same_view()
    {
        var view = FunctionMapper.ToConfigView<CreateFunctionResponse>(TestCode.Definition(), "r");

        var json = JsonSerializer.Serialize(view, FgsJsonContext.Default.CreateFunctionResponse);
        var back = JsonSerializer.Deserialize(json, FgsJsonContext.Default.CreateFunctionResponse)!;

        Assert.Equal(json, JsonSerializer.Serialize(back, FgsJsonContext.Default.CreateFunctionResponse));
        Assert.Equal(view.LastModified, back.LastModified);
    }

    [Fact]
    public void List_response_uses_functions_next_marker_and_count()
    {
        var response = new ListFunctionsResponse
        {
            Functions = [FunctionMapper.ToListResult(TestCode.Definition(), "r")],
            NextMarker = 1,
            Count = 1,
        };

        using var document = JsonDocument.Parse(JsonSerializer.Serialize(response, FgsJsonContext.Default.ListFunctionsResponse));
        var root = document.RootElement;

        Assert.Equal(["functions", "next_marker", "count"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, root.GetProperty("next_marker").GetInt64());
        Assert.Equal(1, root.GetProperty("count").GetInt64());
        var item = root.GetProperty("functions")[0];
        Assert.Equal("urn:fss:r:proj1:function:default:hello", item.GetProperty("func_urn").GetString());
        Assert.Equal("hello", item.GetProperty("func_name").GetString());
        Assert.Equal(75, item.GetProperty("cpu").GetInt32());
    }

    [Fact]
    public void Code_response_uses_func_code_file_and_link()
    {
        var view = FunctionMapper.ToCodeView<ShowFunctionCodeResponse>(TestCode.Definition(), "r", "https://x/code.zip");

        using var document = JsonDocument.Parse(JsonSerializer.Serialize(view, FgsJsonContext.Default.ShowFunctionCodeResponse));
        var root = document.RootElement;

        Assert.Equal("https://x/code.zip", root.GetProperty("func_code").GetProperty("link").GetString());
        Assert.Equal("", root.GetProperty("func_code").GetProperty("file").GetString());
        Assert.Equal(100, root.GetProperty("code_size").GetInt64());
        Assert.Equal(new string('a', 128), root.GetProperty("digest").GetString());
        Assert.Equal("hello.zip", root.GetProperty("code_filename").GetString());
        Assert.Equal("urn:fss:r:proj1:function:default:hello:latest", root.GetProperty("func_urn").GetString());
        Assert.True(root.TryGetProperty("last_modified", out _));
    }

    [Fact]
    public void Update_code_response_serializes_like_show_code()
    {
        var show = FunctionMapper.ToCodeView<ShowFunctionCodeResponse>(TestCode.Definition(), "r");
        var update = FunctionMapper.ToCodeView<UpdateFunctionCodeResponse>(TestCode.Definition(), "r");

        Assert.Equal(
            JsonSerializer.Serialize(show, FgsJsonContext.Default.ShowFunctionCodeResponse),
            JsonSerializer.Serialize(update, FgsJsonContext.Default.UpdateFunctionCodeResponse));
    }

    [Fact]
    public void Function_definition_round_trips_keeping_variable_and_tag_order()
    {
        var function = TestCode.Definition() with
        {
            UserData = new() { ["Z"] = "1", ["A"] = "2" },
            EncryptedUserData = new() { ["S"] = "s" },
            Tags = new() { ["team"] = "x", ["env"] = "prod" },
            InitializerHandler = "init",
            InitializerTimeout = 5,
            GpuMemory = 2048,
            GpuType = "t4",
            Revision = 7,
            Created = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(8)),
        };

        var json = JsonSerializer.Serialize(function, FgsJsonContext.Default.FunctionDefinition);
        var back = JsonSerializer.Deserialize(json, FgsJsonContext.Default.FunctionDefinition)!;

        Assert.Equal(["Z", "A"], back.UserData.Keys);
        Assert.Equal(["team", "env"], back.Tags.Keys);
        Assert.Equal("s", back.EncryptedUserData["S"]);
        Assert.Equal(function.Created, back.Created);
        Assert.Equal(function.Created.Offset, back.Created.Offset);
        Assert.Equal(json, JsonSerializer.Serialize(back, FgsJsonContext.Default.FunctionDefinition));
        Assert.Equal(function with { UserData = back.UserData, EncryptedUserData = back.EncryptedUserData, Tags = back.Tags }, back);
    }

    [Fact]
    public void Function_definition_is_stored_with_snake_case_names()
    {
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(TestCode.Definition(), FgsJsonContext.Default.FunctionDefinition));

        var names = document.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet();

        Assert.Superset(
            new HashSet<string> { "project_id", "package", "name", "runtime", "handler", "memory_size", "timeout", "code_type", "code_size",
                "digest", "user_data", "concurrent_num", "max_instance_num", "tags", "version", "created", "last_modified", "revision" },
            names);
        Assert.DoesNotContain("cpu_millicores", names);
        Assert.DoesNotContain("runtime_family", names);
    }

    [Fact]
    public void Plain_string_dictionary_is_in_the_context()
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, string> { ["a"] = "b" }, FgsJsonContext.Default.DictionaryStringString);

        Assert.Equal("{\"a\":\"b\"}", json);
    }
}
