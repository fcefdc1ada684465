namespace Fgs.Core.Functions;

/// <summary>
/// FunctionGraph's documented limits for function settings (reference section 1 and the
/// FunctionGraph user guide's notes and constraints).
/// </summary>
public static class FunctionLimits
{
    /// <summary>Maximum length of a function name.</summary>
    public const int MaxNameLength = 60;

    /// <summary>Maximum length of a package (function app) name. FunctionGraph does not publish
    /// the rule in the reference; 64 is this project's choice.</summary>
    public const int MaxPackageLength = 64;

    /// <summary>The package used when a request names none.</summary>
    public const string DefaultPackage = "default";

    /// <summary>Maximum length of a handler (and initializer, pre-stop, heartbeat, restore handler).</summary>
    public const int MaxHandlerLength = 128;

    /// <summary>The memory sizes (MB) a function may have, ascending.</summary>
    public static IReadOnlyList<int> MemorySizes { get; } =
        [128, 256, 512, 768, 1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096, 8192, 10240];

    /// <summary>Default memory size (MB) for every runtime except Java.</summary>
    public const int DefaultMemorySize = 128;

    /// <summary>Default memory size (MB) for Java runtimes.</summary>
    public const int DefaultJavaMemorySize = 512;

    /// <summary>Minimum function timeout, seconds.</summary>
    public const int MinTimeout = 3;

    /// <summary>Maximum function timeout, seconds (72 hours).</summary>
    public const int MaxTimeout = 259200;

    /// <summary>Default timeout, seconds, for every runtime except Java.</summary>
    public const int DefaultTimeout = 3;

    /// <summary>Default timeout, seconds, for Java runtimes.</summary>
    public const int DefaultJavaTimeout = 15;

    /// <summary>Minimum initializer timeout, seconds.</summary>
    public const int MinInitializerTimeout = 1;

    /// <summary>Maximum initializer timeout, seconds.</summary>
    public const int MaxInitializerTimeout = 300;

    /// <summary>Minimum pre-stop hook timeout, seconds (SDK doc: 1-90).</summary>
    public const int MinPreStopTimeout = 1;

    /// <summary>Maximum pre-stop hook timeout, seconds (SDK doc: 1-90).</summary>
    public const int MaxPreStopTimeout = 90;

    /// <summary>Minimum restore-hook timeout, seconds (this project's choice: as the initializer).</summary>
    public const int MinRestoreHookTimeout = 1;

    /// <summary>Maximum restore-hook timeout, seconds (this project's choice: as the initializer).</summary>
    public const int MaxRestoreHookTimeout = 300;

    /// <summary>Maximum description length, characters.</summary>
    public const int MaxDescriptionLength = 512;

    /// <summary>Maximum total length of all environment variable keys plus values, characters
    /// (UTF-16 code units), for <c>user_data</c> and, separately, <c>encrypted_user_data</c>.</summary>
    public const int MaxUserDataLength = 4096;

    /// <summary>Environment variable names with this prefix are reserved by the platform.</summary>
    public const string ReservedUserDataPrefix = "RUNTIME_";

    /// <summary>Maximum number of tags on a function.</summary>
    public const int MaxTags = 20;

    /// <summary>Maximum tag key length.</summary>
    public const int MaxTagKeyLength = 128;

    /// <summary>Maximum tag value length.</summary>
    public const int MaxTagValueLength = 255;

    /// <summary>Minimum single-instance concurrency.</summary>
    public const int MinConcurrentNum = 1;

    /// <summary>Maximum single-instance concurrency.</summary>
    public const int MaxConcurrentNum = 1000;

    /// <summary>Default single-instance concurrency.</summary>
    public const int DefaultConcurrentNum = 1;

    /// <summary>Default maximum instances per function.</summary>
    public const int DefaultMaxInstanceNum = 400;

    /// <summary>Largest allowed maximum instances per function.</summary>
    public const int MaxMaxInstanceNum = 1000;

    /// <summary>The maximum-instances value that means "unlimited".</summary>
    public const int UnlimitedInstances = -1;

    /// <summary>Maximum size of a code zip uploaded directly (base64 in <c>func_code.file</c>): 40 MB.</summary>
    public const long MaxZipBytes = 41943040;

    /// <summary>Maximum total unpacked size of a code zip: 1.5 GB.</summary>
    public const long MaxUnpackedCodeBytes = 1610612736;

    /// <summary>Maximum published versions per function (<c>latest</c> not counted).</summary>
    public const int MaxVersions = 20;

    /// <summary>Maximum version name length.</summary>
    public const int MaxVersionNameLength = 42;

    /// <summary>Maximum aliases per function.</summary>
    public const int MaxAliases = 10;

    /// <summary>Maximum alias name length.</summary>
    public const int MaxAliasNameLength = 63;

    /// <summary>The qualifier of the mutable head version, which always exists.</summary>
    public const string LatestVersion = "latest";

    /// <summary>Maximum synchronous response body size (<c>RUNTIME_MAX_RESP_BODY_SIZE</c>): 6 MB.</summary>
    public const long MaxResponseBytes = 6291456;

    /// <summary>Smallest GPU memory slice, MB (1 GB).</summary>
    public const int MinGpuMemory = 1024;

    /// <summary>Largest GPU memory slice, MB (16 GB).</summary>
    public const int MaxGpuMemory = 16384;

    /// <summary>The default function type (FunctionGraph v2 functions).</summary>
    public const string DefaultType = "v2";
}
