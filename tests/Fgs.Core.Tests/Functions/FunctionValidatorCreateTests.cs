using Fgs.Core.Errors;
using Fgs.Core.Functions;

namespace Fgs.Core.Tests.Functions;

public sealed class FunctionValidatorCreateTests
{
    [Fact]
    public void Valid_custom_function_is_accepted()
    {
        Assert.Null(FunctionValidator.ValidateCreate(TestCode.Custom()));
    }

    [Fact]
    public void Valid_python_function_without_package_memory_or_timeout_is_accepted()
    {
        Assert.Null(FunctionValidator.ValidateCreate(TestCode.Python()));
    }

    [Fact]
    public void Missing_body_is_rejected()
    {
        AssertError(FunctionValidator.ValidateCreate(null), "FSS.0400", "body is required");
    }

    // ---- func_name ----

    [Fact]
    public void Name_of_60_characters_is_accepted()
    {
        Assert.Null(FunctionValidator.ValidateCreate(TestCode.Custom("a" + new string('b', 59))));
    }

    [Fact]
    public void Name_of_61_characters_is_rejected()
    {
        var error = FunctionValidator.ValidateCreate(TestCode.Custom("a" + new string('b', 60)));

        AssertError(error, "FSS.1002", FunctionNames.FunctionNameRule);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("A1")]
    [InlineData("my-func_2")]
    [InlineData("x-9")]
    public void Name_starting_with_letter_and_ending_with_letter_or_digit_is_accepted(string name)
    {
        Assert.Null(FunctionValidator.ValidateCreate(TestCode.Custom(name)));
    }

    [Theory]
    [InlineData("1func")]
    [InlineData("_func")]
    [InlineData("-func")]
    [InlineData("func_")]
    [InlineData("func-")]
    [InlineData("my.func")]
    [InlineData("my func")]
    [InlineData("fünc")]
    [InlineData("f:g")]
    public void Name_breaking_character_rules_is_rejected(string name)
    {
        AssertError(FunctionValidator.ValidateCreate(TestCode.Custom(name)), "FSS.1002", FunctionNames.FunctionNameRule);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_name_is_rejected_as_required(string? name)
    {
        var body = TestCode.Custom();
        body.FuncName = name;

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1002", "func_name is required");
    }

    // ---- package ----

    [Fact]
    public void Package_of_64_characters_is_accepted_and_65_rejected()
    {
        var body = TestCode.Custom();
        body.Package = new string('p', 64);
        Assert.Null(FunctionValidator.ValidateCreate(body));

        body.Package = new string('p', 65);
        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1004", FunctionNames.PackageRule);
    }

    [Theory]
    [InlineData("my.pkg")]
    [InlineData("my pkg")]
    [InlineData("pkg/1")]
    public void Package_with_invalid_characters_is_rejected(string package)
    {
        var body = TestCode.Custom();
        body.Package = package;

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1004", "package must be");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_package_is_accepted(string? package)
    {
        var body = TestCode.Custom();
        body.Package = package;

        Assert.Null(FunctionValidator.ValidateCreate(body));
    }

    // ---- runtime ----

    private static readonly (string Runtime, string Handler)[] RuntimeHandlers =
    [
        ("Java8", "com.example.Main.handle"), ("Java11", "com.example.Main::handle"), ("Java17", "Main.handle"),
        ("Python2.7", "index.handler"), ("Python3.6", "index.handler"), ("Python3.9", "index.handler"), ("Python3.10", "app/main.run"),
        ("Go1.8", "handler"), ("Go1.x", "handler"),
        ("Node.js6.10", "index.handler"), ("Node.js8.10", "index.handler"), ("Node.js10.16", "index.handler"),
        ("Node.js12.13", "index.handler"), ("Node.js14.18", "index.handler"), ("Node.js16.17", "index.handler"),
        ("Node.js18.15", "src/index.handler"),
        ("C#(.NET Core 2.0)", "MyAsm::My.Ns.Handler::Run"), ("C#(.NET Core 2.1)", "A::B.C::D"), ("C#(.NET Core 3.1)", "A::B::C"),
        ("C#(.NET Core 6.0)", "A::B.C::D"),
        ("Custom", "bootstrap"), ("PHP7.3", "index.handler"), ("PHP8.3", "index.handler"), ("Cangjie1.0", "main"),
        ("http", "bootstrap"),
    ];

    public static TheoryData<string, string> RuntimesWithHandlers
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var (runtime, handler) in RuntimeHandlers)
            {
                data.Add(runtime, handler);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(RuntimesWithHandlers))]
    public void Every_sdk_runtime_but_custom_image_is_accepted_with_a_fitting_handler(string runtime, string handler)
    {
        var body = FunctionRuntimes.RequiresBootstrap(runtime) ? TestCode.Custom() : TestCode.Python();
        body.Runtime = runtime;
        body.Handler = handler;

        Assert.Null(FunctionValidator.ValidateCreate(body));
    }

    [Fact]
    public void Every_sdk_runtime_has_a_test_case()
    {
        var covered = RuntimeHandlers.Select(row => row.Runtime).Append(FunctionRuntimes.CustomImage);

        Assert.Equal(FunctionRuntimes.All.Order(), covered.Order());
    }

    [Theory]
    [InlineData("Python3.11")]
    [InlineData("custom")]
    [InlineData("HTTP")]
    [InlineData("dotnet8")]
    public void Unknown_runtime_is_rejected_listing_the_known_ones(string runtime)
    {
        var body = TestCode.Custom();
        body.Runtime = runtime;

        var error = FunctionValidator.ValidateCreate(body);

        AssertError(error, "FSS.1005", $"runtime '{runtime}' is not a FunctionGraph runtime");
        Assert.Contains("Node.js18.15", error!.Value.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Custom_image_runtime_is_rejected_as_not_supported()
    {
        var body = TestCode.Custom();
        body.Runtime = "Custom Image";

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1005", "not supported");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_runtime_is_rejected_as_required(string? runtime)
    {
        var body = TestCode.Custom();
        body.Runtime = runtime;

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1005", "runtime is required");
    }

    // ---- handler ----

    [Theory]
    [InlineData("Custom")]
    [InlineData("http")]
    public void Custom_and_http_without_handler_are_accepted(string runtime)
    {
        var body = TestCode.Custom();
        body.Runtime = runtime;
        body.Handler = null;

        Assert.Null(FunctionValidator.ValidateCreate(body));
    }

    [Fact]
    public void Custom_handler_of_128_characters_is_accepted_and_129_rejected()
    {
        var body = TestCode.Custom();
        body.Handler = new string('h', 128);
        Assert.Null(FunctionValidator.ValidateCreate(body));

        body.Handler = new string('h', 129);
        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1003", "1-128 characters");
    }

    [Fact]
    public void Handler_with_whitespace_is_rejected()
    {
        var body = TestCode.Custom();
        body.Handler = "boot strap";

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1003", "handler must be");
    }

    [Fact]
    public void Python_without_handler_is_rejected_as_required()
    {
        var body = TestCode.Python();
        body.Handler = null;

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1003", "handler is required for runtime Python3.9");
    }

    [Theory]
    [InlineData("Python3.9", "index")]
    [InlineData("Python3.9", "index.")]
    [InlineData("Python3.9", ".handler")]
    [InlineData("Python3.9", "index.1handler")]
    [InlineData("Node.js18.15", "../index.handler")]
    [InlineData("Node.js18.15", "/abs/index.handler")]
    [InlineData("Node.js18.15", "src//index.handler")]
    [InlineData("PHP7.3", "index.handle-r")]
    public void File_function_runtimes_reject_other_handler_shapes(string runtime, string handler)
    {
        var body = TestCode.Python();
        body.Runtime = runtime;
        body.Handler = handler;

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1003", "form file.function");
    }

    [Theory]
    [InlineData("Main")]
    [InlineData("com.example.Main.")]
    [InlineData("com.example.Main::")]
    [InlineData("::handle")]
    [InlineData("com.1example.Main.handle")]
    [InlineData("com.example.Main::a.b")]
    public void Java_rejects_handlers_that_are_not_class_and_method(string handler)
    {
        var body = TestCode.Python();
        body.Runtime = "Java8";
        body.Handler = handler;

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1003", "package.Class.method or package.Class::method");
    }

    [Theory]
    [InlineData("Asm.Ns.Cls.Method")]
    [InlineData("Asm::Method")]
    [InlineData("::B::C")]
    [InlineData("A::B::")]
    [InlineData("A::B:::C")]
    public void CSharp_rejects_handlers_not_shaped_assembly_class_method(string handler)
    {
        var body = TestCode.Python();
        body.Runtime = "C#(.NET Core 3.1)";
        body.Handler = handler;

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1003", "Assembly::Namespace.Class::Method");
    }

    // ---- memory_size ----

    public static TheoryData<int> ValidMemorySizes
    {
        get
        {
            var data = new TheoryData<int>();
            foreach (var size in FunctionLimits.MemorySizes)
            {
                data.Add(size);
            }

            return data;
        }
    }

    public static TheoryData<int> InvalidMemorySizes
    {
        get
        {
            var data = new TheoryData<int>();
            foreach (var size in FunctionLimits.MemorySizes.SelectMany(s => new[] { s - 1, s + 1 }).Concat([0, -128, 64, 5120, 6144, 20480]))
            {
                data.Add(size);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(ValidMemorySizes))]
    public void Memory_size_in_the_list_is_accepted(int memory)
    {
        var body = TestCode.Custom();
        body.MemorySize = memory;

        Assert.Null(FunctionValidator.ValidateCreate(body));
    }

    [Theory]
    [MemberData(nameof(InvalidMemorySizes))]
    public void Memory_size_next_to_or_outside_the_list_is_rejected(int memory)
    {
        var body = TestCode.Custom();
        body.MemorySize = memory;

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1007", $"memory_size {memory} is invalid");
    }

    [Fact]
    public void Memory_list_has_the_fifteen_FunctionGraph_sizes()
    {
        Assert.Equal([128, 256, 512, 768, 1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096, 8192, 10240], FunctionLimits.MemorySizes);
    }

    // ---- timeout ----

    [Theory]
    [InlineData(3)]
    [InlineData(900)]
    [InlineData(259200)]
    public void Timeout_within_3_to_259200_is_accepted(int timeout)
    {
        var body = TestCode.Custom();
        body.Timeout = timeout;

        Assert.Null(FunctionValidator.ValidateCreate(body));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(259201)]
    [InlineData(0)]
    [InlineData(-1)]
    public void Timeout_outside_3_to_259200_is_rejected(int timeout)
    {
        var body = TestCode.Custom();
        body.Timeout = timeout;

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1008", "between 3 and 259200 seconds");
    }

    // ---- initializer / pre-stop ----

    [Theory]
    [InlineData(1)]
    [InlineData(300)]
    public void Initializer_timeout_of_1_to_300_is_accepted(int timeout)
    {
        var body = TestCode.Python();
        body.InitializerHandler = "index.init";
        body.InitializerTimeout = timeout;

        Assert.Null(FunctionValidator.ValidateCreate(body));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(301)]
    public void Initializer_timeout_outside_1_to_300_is_rejected(int timeout)
    {
        var body = TestCode.Python();
        body.InitializerHandler = "index.init";
        body.InitializerTimeout = timeout;

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1008", "initializer_timeout");
    }

    [Fact]
    public void Initializer_handler_without_timeout_is_rejected()
    {
        var body = TestCode.Python();
        body.InitializerHandler = "index.init";

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1008", "initializer_timeout is required when initializer_handler is set");
    }

    [Fact]
    public void Initializer_timeout_without_handler_is_ignored()
    {
        var body = TestCode.Python();
        body.InitializerTimeout = 0;

        Assert.Null(FunctionValidator.ValidateCreate(body));
    }

    [Fact]
    public void Initializer_handler_must_fit_the_runtime()
    {
        var body = TestCode.Python();
        body.InitializerHandler = "init";
        body.InitializerTimeout = 10;

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1003", "initializer_handler must have the form file.function");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(90)]
    public void Pre_stop_timeout_of_1_to_90_is_accepted(int timeout)
    {
        var body = TestCode.Custom();
        body.PreStopHandler = "prestop";
        body.PreStopTimeout = timeout;

        Assert.Null(FunctionValidator.ValidateCreate(body));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(91)]
    public void Pre_stop_timeout_outside_1_to_90_is_rejected(int timeout)
    {
        var body = TestCode.Custom();
        body.PreStopHandler = "prestop";
        body.PreStopTimeout = timeout;

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1008", "pre_stop_timeout");
    }

    [Fact]
    public void Pre_stop_handler_without_timeout_is_rejected()
    {
        var body = TestCode.Custom();
        body.PreStopHandler = "prestop";

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1008", "pre_stop_timeout is required");
    }

    // ---- description ----

    [Fact]
    public void Description_of_512_characters_is_accepted_and_513_rejected()
    {
        var body = TestCode.Custom();
        body.Description = new string('d', 512);
        Assert.Null(FunctionValidator.ValidateCreate(body));

        body.Description = new string('d', 513);
        AssertError(FunctionValidator.ValidateCreate(body), "FSS.0400", "description is 513 characters long: at most 512");
    }

    // ---- user_data ----

    [Fact]
    public void User_data_of_exactly_4096_characters_is_accepted()
    {
        var body = TestCode.Custom();
        body.UserData = UserDataOfLength(4096);

        Assert.Null(FunctionValidator.ValidateCreate(body));
    }

    [Fact]
    public void User_data_of_4097_characters_is_rejected()
    {
        var body = TestCode.Custom();
        body.UserData = UserDataOfLength(4097);

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1018", "4097");
    }

    [Fact]
    public void User_data_length_counts_keys_and_values_of_all_variables()
    {
        var value = new string('v', 2046);
        var body = TestCode.Custom();
        body.UserData = $"{{\"AA\":\"{value}\",\"BB\":\"{value}\"}}";
        Assert.Null(FunctionValidator.ValidateCreate(body));

        body.UserData = $"{{\"AA\":\"{value}\",\"BBB\":\"{value}\"}}";
        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1018", "4097");
    }

    [Theory]
    [InlineData("RUNTIME_CPU")]
    [InlineData("RUNTIME_")]
    [InlineData("RUNTIME_MY_VAR")]
    public void User_data_key_with_RUNTIME_prefix_is_rejected(string key)
    {
        var body = TestCode.Custom();
        body.UserData = $"{{\"{key}\":\"x\"}}";

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1009", "is reserved");
    }

    [Theory]
    [InlineData("runtime_cpu")]
    [InlineData("RUNTIMEX")]
    [InlineData("MY_RUNTIME_VAR")]
    public void User_data_key_merely_resembling_RUNTIME_prefix_is_accepted(string key)
    {
        var body = TestCode.Custom();
        body.UserData = $"{{\"{key}\":\"x\"}}";

        Assert.Null(FunctionValidator.ValidateCreate(body));
    }

    [Theory]
    [InlineData("1KEY")]
    [InlineData("_KEY")]
    [InlineData("MY-KEY")]
    [InlineData("MY KEY")]
    [InlineData("MY.KEY")]
    [InlineData("KÉY")]
    [InlineData("")]
    public void User_data_key_with_bad_characters_is_rejected(string key)
    {
        var body = TestCode.Custom();
        body.UserData = $"{{\"{key}\":\"x\"}}";

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1009", "must start with a letter and hold only letters, digits and '_'");
    }

    [Theory]
    [InlineData("{\"A\":1}")]
    [InlineData("{\"A\":true}")]
    [InlineData("{\"A\":null}")]
    [InlineData("{\"A\":{\"B\":\"c\"}}")]
    public void User_data_with_non_string_value_is_rejected(string userData)
    {
        var body = TestCode.Custom();
        body.UserData = userData;

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1009", "the value of 'A' must be a string");
    }

    [Theory]
    [InlineData("[\"A\"]")]
    [InlineData("\"A=1\"")]
    [InlineData("A=1")]
    [InlineData("{\"A\":\"1\"")]
    public void User_data_that_is_not_a_json_object_is_rejected(string userData)
    {
        var body = TestCode.Custom();
        body.UserData = userData;

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1009", "user_data must be a string holding a JSON object of string values");
    }

    [Fact]
    public void User_data_with_duplicate_key_is_rejected()
    {
        var body = TestCode.Custom();
        body.UserData = "{\"A\":\"1\",\"A\":\"2\"}";

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1009", "appears more than once");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("{}")]
    public void Empty_user_data_is_accepted(string? userData)
    {
        var body = TestCode.Custom();
        body.UserData = userData;

        Assert.Null(FunctionValidator.ValidateCreate(body));
    }

    [Fact]
    public void Encrypted_user_data_follows_the_same_rules_and_names_its_field()
    {
        var body = TestCode.Custom();
        body.EncryptedUserData = "{\"RUNTIME_X\":\"1\"}";
        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1009", "encrypted_user_data: key 'RUNTIME_X' is reserved");

        body.EncryptedUserData = UserDataOfLength(4097);
        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1018", "encrypted_user_data");

        body.EncryptedUserData = UserDataOfLength(4096);
        Assert.Null(FunctionValidator.ValidateCreate(body));
    }

    [Fact]
    public void Parsed_user_data_keeps_the_given_order()
    {
        Assert.True(FunctionValidator.TryParseUserData("{\"Z\":\"1\",\"A\":\"2\",\"M\":\"3\"}", out var values, out _));

        Assert.Equal(["Z", "A", "M"], values.Keys);
        Assert.Equal(["1", "2", "3"], values.Values);
    }

    // ---- tags ----

    [Fact]
    public void Twenty_tags_are_accepted_and_twenty_one_rejected()
    {
        var body = TestCode.Custom();
        body.Tags = TagsJson(20);
        Assert.Null(FunctionValidator.ValidateCreate(body));

        body.Tags = TagsJson(21);
        AssertError(FunctionValidator.ValidateCreate(body), "FSS.0400", "21 tags given; at most 20");
    }

    [Fact]
    public void Tags_as_kv_array_and_as_object_both_parse_in_order()
    {
        Assert.True(FunctionValidator.TryParseTags("[{\"key\":\"env\",\"value\":\"prod\"},{\"key\":\"team\",\"value\":\"a b\"}]", out var fromArray, out _));
        Assert.True(FunctionValidator.TryParseTags("{\"env\":\"prod\",\"team\":\"a b\"}", out var fromObject, out _));

        Assert.Equal(["env", "team"], fromArray.Keys);
        Assert.Equal(["prod", "a b"], fromArray.Values);
        Assert.Equal(fromArray, fromObject);
    }

    [Fact]
    public void Tag_without_value_gets_an_empty_value()
    {
        Assert.True(FunctionValidator.TryParseTags("[{\"key\":\"flag\"}]", out var tags, out _));

        Assert.Equal(string.Empty, tags["flag"]);
    }

    [Theory]
    [InlineData("[{\"key\":\"_sys_x\",\"value\":\"v\"}]", "key '_sys_x' is invalid")]
    [InlineData("[{\"key\":\" k\",\"value\":\"v\"}]", "is invalid")]
    [InlineData("[{\"key\":\"k \",\"value\":\"v\"}]", "is invalid")]
    [InlineData("[{\"key\":\"\",\"value\":\"v\"}]", "is invalid")]
    [InlineData("[{\"key\":\"a/b\",\"value\":\"v\"}]", "key 'a/b' is invalid")]
    [InlineData("[{\"key\":\"k\",\"value\":\"v#\"}]", "the value of 'k' is invalid")]
    [InlineData("[{\"key\":\"k\",\"value\":\"1\"},{\"key\":\"k\",\"value\":\"2\"}]", "appears more than once")]
    [InlineData("[\"k\"]", "tags must be a string holding JSON")]
    [InlineData("k=v", "tags must be a string holding JSON")]
    [InlineData("{\"k\":1}", "tags must be a string holding JSON")]
    public void Invalid_tags_are_rejected(string tags, string expected)
    {
        var body = TestCode.Custom();
        body.Tags = tags;

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.0400", expected);
    }

    [Fact]
    public void Tag_key_of_128_characters_and_value_of_255_are_accepted_and_one_more_rejected()
    {
        Assert.True(FunctionValidator.TryParseTags($"{{\"{new string('k', 128)}\":\"{new string('v', 255)}\"}}", out _, out _));
        Assert.False(FunctionValidator.TryParseTags($"{{\"{new string('k', 129)}\":\"v\"}}", out _, out _));
        Assert.False(FunctionValidator.TryParseTags($"{{\"k\":\"{new string('v', 256)}\"}}", out _, out _));
    }

    // ---- type, gpu, code_filename ----

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public void Type_v1_or_v2_is_accepted(string type)
    {
        var body = TestCode.Custom();
        body.Type = type;

        Assert.Null(FunctionValidator.ValidateCreate(body));
    }

    [Fact]
    public void Other_type_is_rejected()
    {
        var body = TestCode.Custom();
        body.Type = "v3";

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.0400", "type 'v3' is invalid");
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(8192)]
    [InlineData(16384)]
    public void Gpu_memory_in_whole_gigabytes_up_to_16_is_accepted_for_custom(int gpu)
    {
        var body = TestCode.Custom();
        body.GpuMemory = gpu;
        body.GpuType = "NVIDIA-T4";

        Assert.Null(FunctionValidator.ValidateCreate(body));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(1536)]
    [InlineData(17408)]
    public void Gpu_memory_outside_whole_gigabytes_1_to_16_is_rejected(int gpu)
    {
        var body = TestCode.Custom();
        body.GpuMemory = gpu;

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1007", "gpu_memory");
    }

    [Fact]
    public void Gpu_memory_is_rejected_for_language_runtimes()
    {
        var body = TestCode.Python();
        body.GpuMemory = 1024;

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1007", "only available to the Custom and http runtimes");
    }

    [Theory]
    [InlineData("dir/code.zip")]
    [InlineData("..")]
    [InlineData("a\\b.zip")]
    public void Code_filename_that_is_not_a_plain_file_name_is_rejected(string filename)
    {
        var body = TestCode.Custom();
        body.CodeFilename = filename;

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.0400", "code_filename");
    }

    // ---- code ----

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_code_type_is_rejected(string? codeType)
    {
        var body = TestCode.Custom();
        body.CodeType = codeType;

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1006", "code_type is required");
    }

    [Theory]
    [InlineData("obs")]
    [InlineData("jar")]
    [InlineData("Custom-Image-Swr")]
    public void Code_types_other_than_zip_and_inline_are_rejected_as_not_supported(string codeType)
    {
        var body = TestCode.Custom();
        body.CodeType = codeType;

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1006", $"code_type '{codeType}' is not supported");
    }

    [Fact]
    public void Unknown_code_type_is_rejected()
    {
        var body = TestCode.Custom();
        body.CodeType = "tar";

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1006", "code_type 'tar' is invalid");
    }

    [Fact]
    public void Inline_code_is_accepted_for_python()
    {
        var body = TestCode.Python();
        body.CodeType = "inline";
        body.FuncCode = new FuncCode { File = Convert.ToBase64String("def handler(e, c):\n    return 1\n"u8.ToArray()) };

        Assert.Null(FunctionValidator.ValidateCreate(body));
    }

    [Theory]
    [InlineData("Custom")]
    [InlineData("http")]
    public void Inline_code_is_accepted_for_bootstrap_runtimes_as_the_bootstrap_itself(string runtime)
    {
        var body = TestCode.Custom();
        body.Runtime = runtime;
        body.CodeType = "inline";
        body.FuncCode = new FuncCode { File = Convert.ToBase64String("#!/bin/sh\nexit 0\n"u8.ToArray()) };

        Assert.Null(FunctionValidator.ValidateCreate(body));
    }

    [Fact]
    public void Missing_code_is_rejected_as_required()
    {
        var body = TestCode.Custom();
        body.FuncCode = null;
        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1012", "func_code.file is required");

        body.FuncCode = new FuncCode { File = "" };
        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1012", "func_code.file is required");
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("QUJD=")]
    [InlineData("QUJDRA=")]
    [InlineData("%%%%")]
    public void Invalid_base64_code_is_rejected(string file)
    {
        var body = TestCode.Custom();
        body.FuncCode = new FuncCode { File = file };

        AssertError(FunctionValidator.ValidateCreate(body), "FSS.1011", "not valid base64");
    }

    [Fact]
    public void Zip_of_exactly_40_MB_is_accepted_and_one_byte_more_is_rejected_with_413()
    {
        var body = TestCode.Custom();
        body.FuncCode = new FuncCode { File = Convert.ToBase64String(new byte[41943040]) };
        Assert.Null(FunctionValidator.ValidateCreate(body));

        body.FuncCode = new FuncCode { File = Convert.ToBase64String(new byte[41943041]) };
        var error = FunctionValidator.ValidateCreate(body);

        AssertError(error, "FSS.1071", "decodes to 41943041 bytes");
        Assert.Equal(413, error!.Value.HttpStatus);
    }

    [Fact]
    public void Decoding_code_returns_the_bytes_and_refuses_oversized_uploads()
    {
        var zip = TestCode.Zip(("bootstrap", "x"));

        Assert.True(FunctionValidator.TryDecodeCode(Convert.ToBase64String(zip), out var bytes, out _));
        Assert.Equal(zip, bytes);

        Assert.False(FunctionValidator.TryDecodeCode(Convert.ToBase64String(new byte[11]), out bytes, out var error, maxBytes: 10));
        Assert.Empty(bytes);
        Assert.Equal("FSS.1071", error.ErrorCode);

        Assert.False(FunctionValidator.TryDecodeCode("@@", out _, out error));
        Assert.Equal("FSS.1011", error.ErrorCode);

        Assert.False(FunctionValidator.TryDecodeCode(null, out _, out error));
        Assert.Equal("FSS.1012", error.ErrorCode);
    }

    [Fact]
    public void Sdk_only_settings_that_are_not_applied_do_not_fail_validation()
    {
        var body = TestCode.Custom();
        body.FuncVpc = new FuncVpc { VpcId = "vpc-1", SubnetId = "subnet-1" };
        body.MountConfig = new MountConfig { FuncMounts = [new FuncMount { MountType = "sfs" }] };
        body.LogConfig = new FuncLogConfig { GroupId = "g" };
        body.DependVersionList = ["dep-1"];
        body.LtsCustomTag = new Dictionary<string, string> { ["k"] = "v" };

        Assert.Null(FunctionValidator.ValidateCreate(body));
    }

    private static string UserDataOfLength(int total)
    {
        // {"KEY":"vvv..."}: key is 3 characters, the value fills the rest.
        return $"{{\"KEY\":\"{new string('v', total - 3)}\"}}";
    }

    private static string TagsJson(int count) =>
        "[" + string.Join(",", Enumerable.Range(0, count).Select(i => $"{{\"key\":\"k{i}\",\"value\":\"v{i}\"}}")) + "]";

    internal static void AssertError(FgsError? error, string code, string messagePart)
    {
        Assert.NotNull(error);
        Assert.Equal(code, error.Value.ErrorCode);
        Assert.Contains(messagePart, error.Value.ErrorMessage, StringComparison.Ordinal);
    }
}
