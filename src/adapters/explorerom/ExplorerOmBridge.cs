// BizTalkBackup's bridge to Microsoft.BizTalk.ExplorerOM. One file, C# 5 (it must compile with edge-js's run-time
// compiler, with Windows PowerShell 5.1's Add-Type, and with `dotnet build` ahead of time), referencing only
// Microsoft.BizTalk.ExplorerOM and the base library.
//
// Entry points:
//   - edge-js:     `Startup.Invoke(object request)` -> Task<object> (a tree of dictionaries and lists).
//   - PowerShell:  `[BizTalkBackup.ExplorerOm.Bridge]::ExecuteToJson($requestHashtable)` -> JSON string (the x86 helper).
// Request: { op: "probe" | "inventory" | "addReference", connectionString, application?, referenced? }.
// Response: { ok: true, result: ... } or { ok: false, error: { kind, type, message, fileName? } } where kind is
// bad-image-format | assembly-not-found | cycle | not-found | bad-request | catalog-error.
// Loading ExplorerOM can fail (wrong bitness, not installed): every method that names an ExplorerOM type is kept out of
// Execute and marked NoInlining, so the failure surfaces as a catchable exception at the call and is classified.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Tasks;
using Microsoft.BizTalk.ExplorerOM;

/// <summary>The type edge-js looks for by default.</summary>
public class Startup
{
    // On a thread-pool thread, never on node's: ExplorerOM blocks on the management database (a server that stops
    // answering blocks for good), and edge-js runs a completed Task's work on the V8 thread, freezing the event loop
    // (no timer, no Ctrl-C). The caller times the call out and abandons it; ExplorerOM itself cannot be cancelled.
    public Task<object> Invoke(object request)
    {
        return Task.Run<object>(() => (object)BizTalkBackup.ExplorerOm.Bridge.Execute(request));
    }
}

namespace BizTalkBackup.ExplorerOm
{
    public static class Bridge
    {
        private const string SystemApplication = "BizTalk.System";

        /// <summary>Runs one request; never throws: failures come back as { ok: false, error }.</summary>
        public static Dictionary<string, object> Execute(object request)
        {
            string op = null;
            try
            {
                op = Read(request, "op");
                string connectionString = Read(request, "connectionString");
                if (op == "probe") return Ok(Probe(connectionString));
                if (string.IsNullOrEmpty(connectionString)) return Fail("bad-request", "ArgumentException", "connectionString is required.", null);
                if (op == "inventory") return Ok(Inventory(connectionString));
                if (op == "addReference")
                {
                    string application = Read(request, "application");
                    string referenced = Read(request, "referenced");
                    if (string.IsNullOrEmpty(application) || string.IsNullOrEmpty(referenced))
                        return Fail("bad-request", "ArgumentException", "application and referenced are required.", null);
                    return AddReference(connectionString, application, referenced);
                }
                return Fail("bad-request", "ArgumentException", "Unknown op \"" + (op ?? "") + "\".", null);
            }
            catch (Exception e)
            {
                return Classify(e);
            }
        }

        /// <summary>For the 32-bit helper process: the same response, as JSON text.</summary>
        public static string ExecuteToJson(object request)
        {
            StringBuilder sb = new StringBuilder();
            WriteJson(sb, Execute(request));
            return sb.ToString();
        }

        // ---- operations (each names ExplorerOM types: keep them out of Execute) ----------------------------------

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static Dictionary<string, object> Probe(string connectionString)
        {
            Assembly om = typeof(BtsCatalogExplorer).Assembly;
            Dictionary<string, object> result = new Dictionary<string, object>();
            result["assembly"] = om.FullName;
            result["location"] = om.Location;
            result["process64"] = IntPtr.Size == 8;
            result["runtime"] = Environment.Version.ToString();
            if (!string.IsNullOrEmpty(connectionString))
            {
                using (BtsCatalogExplorer explorer = Open(connectionString))
                {
                    result["applicationCount"] = explorer.Applications.Count;
                }
            }
            return result;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static Dictionary<string, object> Inventory(string connectionString)
        {
            using (BtsCatalogExplorer explorer = Open(connectionString))
            {
                List<object> applications = new List<object>();
                foreach (Application app in explorer.Applications) applications.Add(DescribeApplication(app));

                List<object> hosts = new List<object>();
                foreach (Host host in explorer.Hosts)
                {
                    Dictionary<string, object> h = new Dictionary<string, object>();
                    h["name"] = host.Name;
                    h["type"] = host.Type.ToString();
                    h["trusted"] = ReadBool(host, "AuthTrusted", "Trusted");
                    hosts.Add(h);
                }

                List<object> handlers = new List<object>();
                foreach (ProtocolType protocol in explorer.ProtocolTypes)
                {
                    foreach (ReceiveHandler handler in protocol.ReceiveHandlers) handlers.Add(Handler(protocol.Name, HostName(handler.Host), "Receive"));
                    foreach (SendHandler handler in protocol.SendHandlers) handlers.Add(Handler(protocol.Name, HostName(handler.Host), "Send"));
                }

                Dictionary<string, object> result = new Dictionary<string, object>();
                result["explorerOm"] = typeof(BtsCatalogExplorer).Assembly.FullName;
                result["process64"] = IntPtr.Size == 8;
                result["applications"] = applications;
                result["hosts"] = hosts;
                result["handlers"] = handlers;
                return result;
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static Dictionary<string, object> AddReference(string connectionString, string applicationName, string referencedName)
        {
            using (BtsCatalogExplorer explorer = Open(connectionString))
            {
                Application app = explorer.Applications[applicationName];
                if (app == null) return Fail("not-found", "ArgumentException", "Application \"" + applicationName + "\" does not exist in the group.", null);
                Application referenced = explorer.Applications[referencedName];
                if (referenced == null) return Fail("not-found", "ArgumentException", "Application \"" + referencedName + "\" does not exist in the group.", null);
                bool already = false;
                foreach (Application existing in app.References)
                    if (string.Equals(existing.Name, referenced.Name, StringComparison.OrdinalIgnoreCase)) already = true;
                if (!already)
                {
                    try
                    {
                        app.AddReference(referenced);
                        explorer.SaveChanges();
                    }
                    catch
                    {
                        explorer.DiscardChanges();
                        throw;
                    }
                }
                Dictionary<string, object> result = new Dictionary<string, object>();
                result["application"] = app.Name;
                result["referenced"] = referenced.Name;
                result["added"] = !already;
                return Ok(result);
            }
        }

        private static BtsCatalogExplorer Open(string connectionString)
        {
            BtsCatalogExplorer explorer = new BtsCatalogExplorer();
            explorer.ConnectionString = connectionString;
            return explorer;
        }

        private static Dictionary<string, object> DescribeApplication(Application app)
        {
            Dictionary<string, object> a = new Dictionary<string, object>();
            a["name"] = app.Name;
            a["description"] = app.Description ?? "";
            a["isSystem"] = app.IsSystem;
            a["isDefault"] = app.IsDefaultApplication;
            a["status"] = app.Status.ToString();

            List<object> references = new List<object>();
            foreach (Application r in app.References) references.Add(r.Name);
            a["references"] = references;
            List<object> backReferences = new List<object>();
            foreach (Application r in app.BackReferences) backReferences.Add(r.Name);
            a["backReferences"] = backReferences;

            List<object> assemblies = new List<object>();
            foreach (BtsAssembly assembly in app.Assemblies) assemblies.Add(AssemblyFullName(assembly));
            a["assemblies"] = assemblies;

            List<object> orchestrations = new List<object>();
            foreach (BtsOrchestration orchestration in app.Orchestrations)
            {
                Dictionary<string, object> o = new Dictionary<string, object>();
                o["name"] = orchestration.FullName;
                o["assembly"] = orchestration.BtsAssembly == null ? null : AssemblyFullName(orchestration.BtsAssembly);
                o["host"] = HostName(orchestration.Host);
                o["status"] = orchestration.Status.ToString();
                orchestrations.Add(o);
            }
            a["orchestrations"] = orchestrations;

            List<object> sendPorts = new List<object>();
            foreach (SendPort port in app.SendPorts)
            {
                Dictionary<string, object> p = new Dictionary<string, object>();
                p["name"] = port.Name;
                p["isDynamic"] = port.IsDynamic;
                p["isTwoWay"] = port.IsTwoWay;
                TransportInfo primary = port.PrimaryTransport;
                p["transportType"] = primary == null || primary.TransportType == null ? null : primary.TransportType.Name;
                p["address"] = primary == null ? null : primary.Address;
                object sendHandler = primary == null ? null : ReadProperty(primary, "SendHandler");
                p["sendHandlerHost"] = sendHandler == null ? null : HostName(ReadProperty(sendHandler, "Host") as Host);
                sendPorts.Add(p);
            }
            a["sendPorts"] = sendPorts;

            List<object> receivePorts = new List<object>();
            foreach (ReceivePort port in app.ReceivePorts)
            {
                Dictionary<string, object> p = new Dictionary<string, object>();
                p["name"] = port.Name;
                p["isTwoWay"] = port.IsTwoWay;
                List<object> locations = new List<object>();
                foreach (ReceiveLocation location in port.ReceiveLocations)
                {
                    Dictionary<string, object> l = new Dictionary<string, object>();
                    l["name"] = location.Name;
                    l["transportType"] = location.TransportType == null ? null : location.TransportType.Name;
                    l["address"] = location.Address;
                    l["receiveHandlerHost"] = location.ReceiveHandler == null ? null : HostName(location.ReceiveHandler.Host);
                    l["enabled"] = location.Enable;
                    locations.Add(l);
                }
                p["locations"] = locations;
                receivePorts.Add(p);
            }
            a["receivePorts"] = receivePorts;

            List<object> groups = new List<object>();
            foreach (SendPortGroup group in app.SendPortGroups)
            {
                Dictionary<string, object> g = new Dictionary<string, object>();
                g["name"] = group.Name;
                List<object> members = new List<object>();
                foreach (SendPort member in group.SendPorts) members.Add(member.Name);
                g["sendPorts"] = members;
                groups.Add(g);
            }
            a["sendPortGroups"] = groups;

            List<object> policies = new List<object>();
            foreach (Policy policy in app.Policies)
            {
                Dictionary<string, object> p = new Dictionary<string, object>();
                p["name"] = policy.Name;
                p["version"] = ReadInt(policy, "MajorRevision") + "." + ReadInt(policy, "MinorRevision");
                policies.Add(p);
            }
            a["policies"] = policies;
            return a;
        }

        private static string AssemblyFullName(BtsAssembly assembly)
        {
            string display = ReadProperty(assembly, "DisplayName") as string;
            if (!string.IsNullOrEmpty(display) && display.IndexOf("Version=", StringComparison.Ordinal) > 0) return display;
            return string.Format(CultureInfo.InvariantCulture, "{0}, Version={1}, Culture={2}, PublicKeyToken={3}", assembly.Name, assembly.Version,
                string.IsNullOrEmpty(assembly.Culture) ? "neutral" : assembly.Culture, string.IsNullOrEmpty(assembly.PublicKeyToken) ? "null" : assembly.PublicKeyToken);
        }

        private static string HostName(Host host)
        {
            return host == null ? null : host.Name;
        }

        private static Dictionary<string, object> Handler(string adapter, string host, string direction)
        {
            Dictionary<string, object> h = new Dictionary<string, object>();
            h["adapter"] = adapter;
            h["host"] = host;
            h["direction"] = direction;
            return h;
        }

        // ---- tolerant member access (names that differ between BizTalk versions) -------------------------------------

        private static object ReadProperty(object target, string name)
        {
            if (target == null) return null;
            PropertyInfo property = target.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
            return property == null ? null : property.GetValue(target, null);
        }

        private static bool ReadBool(object target, params string[] names)
        {
            foreach (string name in names)
            {
                object value = ReadProperty(target, name);
                if (value is bool) return (bool)value;
            }
            return false;
        }

        private static int ReadInt(object target, string name)
        {
            object value = ReadProperty(target, name);
            return value == null ? 0 : Convert.ToInt32(value, CultureInfo.InvariantCulture);
        }

        // ---- request, response, errors --------------------------------------------------------------------------

        /// <summary>A string field of the request: an edge-js object (IDictionary&lt;string, object&gt;) or a PowerShell hashtable.</summary>
        private static string Read(object request, string key)
        {
            IDictionary<string, object> generic = request as IDictionary<string, object>;
            if (generic != null)
            {
                object value;
                return generic.TryGetValue(key, out value) && value != null ? value.ToString() : null;
            }
            IDictionary plain = request as IDictionary;
            if (plain != null) return plain.Contains(key) && plain[key] != null ? plain[key].ToString() : null;
            throw new ArgumentException("The request must be an object.");
        }

        private static Dictionary<string, object> Ok(object result)
        {
            Dictionary<string, object> response = new Dictionary<string, object>();
            response["ok"] = true;
            response["result"] = result;
            return response;
        }

        private static Dictionary<string, object> Fail(string kind, string type, string message, string fileName)
        {
            Dictionary<string, object> error = new Dictionary<string, object>();
            error["kind"] = kind;
            error["type"] = type;
            error["message"] = message;
            if (fileName != null) error["fileName"] = fileName;
            Dictionary<string, object> response = new Dictionary<string, object>();
            response["ok"] = false;
            response["error"] = error;
            return response;
        }

        private static Dictionary<string, object> Classify(Exception e)
        {
            while ((e is TargetInvocationException || e is TypeInitializationException || e is AggregateException) && e.InnerException != null) e = e.InnerException;
            if (e is BadImageFormatException) return Fail("bad-image-format", e.GetType().FullName, e.Message, ((BadImageFormatException)e).FileName);
            // CoreCLR reports a bitness mismatch as FileLoadException "The assembly architecture is not compatible...".
            if (e is FileLoadException && e.Message.IndexOf("architecture is not compatible", StringComparison.OrdinalIgnoreCase) >= 0)
                return Fail("bad-image-format", e.GetType().FullName, e.Message, ((FileLoadException)e).FileName);
            if (e is FileNotFoundException) return Fail("assembly-not-found", e.GetType().FullName, e.Message, ((FileNotFoundException)e).FileName);
            if (e is FileLoadException) return Fail("assembly-not-found", e.GetType().FullName, e.Message, ((FileLoadException)e).FileName);
            if (e is TypeLoadException) return Fail("assembly-not-found", e.GetType().FullName, e.Message, null);
            if (e.GetType().Name == "CycleException") return Fail("cycle", e.GetType().FullName, e.Message, null);
            if (e is ArgumentException) return Fail("bad-request", e.GetType().FullName, e.Message, null);
            string message = e.Message;
            if (e.InnerException != null) message += " " + e.InnerException.Message;
            return Fail("catalog-error", e.GetType().FullName, message, null);
        }

        // ---- a small JSON writer (the helper must not depend on PowerShell's ConvertTo-Json quirks) ----------------

        private static void WriteJson(StringBuilder sb, object value)
        {
            if (value == null) { sb.Append("null"); return; }
            if (value is bool) { sb.Append((bool)value ? "true" : "false"); return; }
            if (value is string) { WriteString(sb, (string)value); return; }
            if (value is int || value is long || value is short || value is byte || value is uint)
            {
                sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                return;
            }
            if (value is double || value is float || value is decimal)
            {
                sb.Append(Convert.ToDouble(value, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture));
                return;
            }
            IDictionary<string, object> dictionary = value as IDictionary<string, object>;
            if (dictionary != null)
            {
                sb.Append('{');
                bool first = true;
                foreach (KeyValuePair<string, object> pair in dictionary)
                {
                    if (!first) sb.Append(',');
                    first = false;
                    WriteString(sb, pair.Key);
                    sb.Append(':');
                    WriteJson(sb, pair.Value);
                }
                sb.Append('}');
                return;
            }
            IEnumerable sequence = value as IEnumerable;
            if (sequence != null)
            {
                sb.Append('[');
                bool first = true;
                foreach (object item in sequence)
                {
                    if (!first) sb.Append(',');
                    first = false;
                    WriteJson(sb, item);
                }
                sb.Append(']');
                return;
            }
            WriteString(sb, value.ToString());
        }

        private static void WriteString(StringBuilder sb, string s)
        {
            sb.Append('"');
            foreach (char c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (c < 0x20 || c > 0x7e) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else sb.Append(c);
                        break;
                }
            }
            sb.Append('"');
        }
    }
}
