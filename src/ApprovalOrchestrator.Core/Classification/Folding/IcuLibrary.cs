using System.Runtime.InteropServices;

namespace ApprovalOrchestrator.Core.Classification.Folding;

/// <summary>
/// The few ICU C functions text folding needs, bound once from the system's ICU (libicuuc / libicui18n, the library .NET
/// itself uses for globalization on Linux). ICU 72 (Unicode 15.0, what these Debian 12 machines ship and the tests pin)
/// is preferred; otherwise the newest ICU from 99 down to 60 that is installed (a container image may ship another), and
/// the version in use is reported (<see cref="IcuVersion"/>, <see cref="UnicodeVersion"/>) so two machines can be
/// compared. No ICU at all leaves <see cref="Problem"/> set and folding refuses to run (fail closed).
/// </summary>
internal static unsafe class IcuLibrary
{
    /// <summary>The preferred ICU major version: ICU 72.1, Unicode 15.0, CLDR 42.</summary>
    public const int PreferredMajor = 72;

    // ICU exports carry the major version as a suffix (u_charType_72).
    private static readonly int Major;

    private const int DefaultIgnorableCodePoint = 5; // UCHAR_DEFAULT_IGNORABLE_CODE_POINT
    private const int WhiteSpace = 31; // UCHAR_WHITE_SPACE
    private const int BufferOverflow = 15; // U_BUFFER_OVERFLOW_ERROR

    private static readonly delegate* unmanaged<int, int, byte> HasBinaryProperty;
    private static readonly delegate* unmanaged<int, sbyte> CharType;
    private static readonly delegate* unmanaged<int, int*, int, int*, int> GetScriptExtensions;
    private static readonly delegate* unmanaged<int, byte*> GetScriptName;
    private static readonly delegate* unmanaged<nint, char*, int, char*, int, int*, int> Normalize;
    private static readonly delegate* unmanaged<nint, uint, char*, int, char*, int, int*, int> GetSkeleton;
    private static readonly nint NfkcCasefold;
    private static readonly nint Nfkc;
    private static readonly nint Nfd;
    private static readonly nint Nfc;
    private static readonly nint SpoofChecker;

#pragma warning disable CA1810 // One static constructor binds everything or nothing: a half-bound library must not be used.
    static IcuLibrary()
#pragma warning restore CA1810
    {
        try
        {
            nint uc = 0, i18n = 0;
            foreach (var major in Enumerable.Range(60, 40).Reverse().Prepend(PreferredMajor))
            {
                if (NativeLibrary.TryLoad($"libicuuc.so.{major}", out uc) && NativeLibrary.TryLoad($"libicui18n.so.{major}", out i18n))
                {
                    Major = major;
                    break;
                }
            }

            if (Major == 0)
            {
                Problem = $"no ICU (libicuuc.so.N and libicui18n.so.N, N from 60 to 99) could be loaded; install libicu{PreferredMajor}";
                return;
            }

            HasBinaryProperty = (delegate* unmanaged<int, int, byte>)Export(uc, "u_hasBinaryProperty");
            CharType = (delegate* unmanaged<int, sbyte>)Export(uc, "u_charType");
            GetScriptExtensions = (delegate* unmanaged<int, int*, int, int*, int>)Export(uc, "uscript_getScriptExtensions");
            GetScriptName = (delegate* unmanaged<int, byte*>)Export(uc, "uscript_getName");
            Normalize = (delegate* unmanaged<nint, char*, int, char*, int, int*, int>)Export(uc, "unorm2_normalize");
            GetSkeleton = (delegate* unmanaged<nint, uint, char*, int, char*, int, int*, int>)Export(i18n, "uspoof_getSkeleton");
            var unicodeVersion = (delegate* unmanaged<byte*, void>)Export(uc, "u_getUnicodeVersion");
            var icuVersion = (delegate* unmanaged<byte*, void>)Export(uc, "u_getVersion");

            NfkcCasefold = Instance(uc, "unorm2_getNFKCCasefoldInstance");
            Nfkc = Instance(uc, "unorm2_getNFKCInstance");
            Nfd = Instance(uc, "unorm2_getNFDInstance");
            Nfc = Instance(uc, "unorm2_getNFCInstance");
            var open = (delegate* unmanaged<int*, nint>)Export(i18n, "uspoof_open");
            var status = 0;
            SpoofChecker = open(&status);
            if (status > 0 || SpoofChecker == 0)
            {
                throw new InvalidOperationException($"uspoof_open failed with ICU error {status}");
            }

            var v = stackalloc byte[4];
            unicodeVersion(v);
            UnicodeVersion = $"{v[0]}.{v[1]}.{v[2]}";
            icuVersion(v);
            IcuVersion = $"{v[0]}.{v[1]}";
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or InvalidOperationException or DllNotFoundException or BadImageFormatException)
        {
            Problem = $"ICU {Major} could not be bound: {ex.Message}";
            Major = 0;
        }
    }

    /// <summary>Why folding cannot run here, or null when ICU is bound.</summary>
    public static string? Problem { get; }

    /// <summary>The Unicode version of ICU's data (15.0.0 for ICU 72), or null when unbound.</summary>
    public static string? UnicodeVersion { get; }

    /// <summary>The ICU version bound (72.1), or null when unbound.</summary>
    public static string? IcuVersion { get; }

    public static bool IsDefaultIgnorable(int codePoint) => HasBinaryProperty(codePoint, DefaultIgnorableCodePoint) != 0;

    public static bool IsWhiteSpace(int codePoint) => HasBinaryProperty(codePoint, WhiteSpace) != 0;

    /// <summary>The ICU general category (UCharCategory): 1..5 letters, 6..8 marks, 9..11 numbers, 15 Cc, 16 Cf, ...</summary>
    public static int Category(int codePoint) => CharType(codePoint);

    public static string NormalizeNfkcCasefold(string text) => Apply(NfkcCasefold, text);

    public static string NormalizeNfkc(string text) => Apply(Nfkc, text);

    public static string NormalizeNfd(string text) => Apply(Nfd, text);

    public static string NormalizeNfc(string text) => Apply(Nfc, text);

    /// <summary>The UTS #39 skeleton (ICU's confusables data): NFD, each character mapped to its prototype, NFD again.</summary>
    public static string Skeleton(string text) => Call(text, (src, len, dest, cap, status) => GetSkeleton(SpoofChecker, 0, src, len, dest, cap, status));

    /// <summary>The Script_Extensions of <paramref name="codePoint"/> as ICU script codes (0 Common, 1 Inherited).</summary>
    public static int[] ScriptExtensions(int codePoint)
    {
        var buffer = stackalloc int[32];
        var status = 0;
        var count = GetScriptExtensions(codePoint, buffer, 32, &status);
        if (status > 0)
        {
            throw new InvalidOperationException($"uscript_getScriptExtensions failed with ICU error {status}");
        }

        return new ReadOnlySpan<int>(buffer, count).ToArray();
    }

    public static string ScriptName(int script) => Marshal.PtrToStringAnsi((nint)GetScriptName(script)) ?? $"script {script}";

    private static string Apply(nint normalizer, string text) =>
        Call(text, (src, len, dest, cap, status) => Normalize(normalizer, src, len, dest, cap, status));

    private delegate int Converter(char* source, int length, char* destination, int capacity, int* status);

    // ICU's preflight convention: try a buffer, and on overflow retry with the exact length it reported.
    private static string Call(string text, Converter convert)
    {
        if (text.Length == 0)
        {
            return text;
        }

        var capacity = Math.Max(16, text.Length * 2);
        while (true)
        {
            var buffer = new char[capacity];
            var status = 0;
            int length;
            fixed (char* src = text)
            fixed (char* dest = buffer)
            {
                length = convert(src, text.Length, dest, capacity, &status);
            }

            if (status == BufferOverflow && length > capacity)
            {
                capacity = length;
                continue;
            }

            if (status > 0)
            {
                throw new InvalidOperationException($"ICU conversion failed with error {status}");
            }

            return new string(buffer, 0, length);
        }
    }

    private static nint Export(nint library, string name) => NativeLibrary.GetExport(library, $"{name}_{Major}");

    private static nint Instance(nint library, string name)
    {
        var get = (delegate* unmanaged<int*, nint>)Export(library, name);
        var status = 0;
        var instance = get(&status);
        return status > 0 || instance == 0 ? throw new InvalidOperationException($"{name} failed with ICU error {status}") : instance;
    }
}
