// BizTalkBackup's bridge to BizTalk's deployment API: Microsoft.BizTalk.ApplicationDeployment (the engine BTSTask and
// the Administration console are shells over) and Microsoft.BizTalk.Deployment.Binding (what ExportBindings runs). One
// file, C# 5, like ExplorerOmBridge.cs: compiled by edge-js at run time, by Windows PowerShell 5.1's Add-Type (the 32-bit
// helper, explorerom-x86.ps1 with -BridgeClass), or ahead of time by `dotnet build` against the stand-ins.
//
// Entry points:
//   - edge-js:     `BizTalkBackup.DeploymentApi.Startup.Invoke(object request)` -> Task<object>.
//   - PowerShell:  `[BizTalkBackup.DeploymentApi.Bridge]::ExecuteToJson($requestHashtable)` -> JSON string.
// Request: { op: "probe" | "inventory" | "exportApplication" | "exportBindings", server, database, connectionString,
//            application?, packagePath?, resources? ("type<TAB>luid" lines; absent = every resource but system ones) }.
// Response: { ok: true, result } or { ok: false, error: { kind, type, message, fileName? } }, kind as in ExplorerOmBridge.cs
// (bad-image-format | assembly-not-found | not-found | bad-request | catalog-error).
// `inventory` is the whole group in one call: per application its name, description, flags and status (through the
// group's CatalogExplorer), references, resources (type, LUID, properties) and its bindings as BindingInfo XML (or the
// error that application's bindings or resources gave: the others go on).
// Calls used as public code uses them: MSBuild Extension Pack's BizTalk/Application.cs (Group, Applications[name],
// UiLevel, ResourceCollection, Properties["IsSystem"], Export(path, List<Resource>); BindingInfo with BindingParameters,
// AddApplicationRef, Select, SaveXml) and kvo181/BizTalk2016's BizTalkHelper.cs (References as IApplication,
// Resource.ResourceType/Luid/Properties, Group.CatalogExplorer).
using System;
using System.Collections;
using System.Collections.Generic;
using System.Data.SqlClient;
using System.Globalization;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Tasks;
using Microsoft.BizTalk.ApplicationDeployment;
using Microsoft.BizTalk.Deployment.Binding;
using OM = Microsoft.BizTalk.ExplorerOM;

namespace BizTalkBackup.DeploymentApi
{
    /// <summary>edge-js's entry point (typeName BizTalkBackup.DeploymentApi.Startup).</summary>
    public class Startup
    {
        // On a thread-pool thread, never on node's: the engine blocks on the management database (see ExplorerOmBridge.cs).
        public Task<object> Invoke(object request)
        {
            return Task.Run<object>(() => (object)Bridge.Execute(request));
        }
    }

    public static class Bridge
    {
        private const string SystemApplication = "BizTalk.System";

        /// <summary>Runs one request; never throws: failures come back as { ok: false, error }.</summary>
        public static Dictionary<string, object> Execute(object request)
        {
            try
            {
                string op = Read(request, "op");
                string server = Read(request, "server");
                string database = Read(request, "database");
                if (op == "probe") return Ok(Probe(server, database));
                if (string.IsNullOrEmpty(server) || string.IsNullOrEmpty(database)) return Fail("bad-request", "ArgumentException", "server and database are required.", null);
                string connectionString = Read(request, "connectionString");
                if (op == "inventory") return Ok(Inventory(server, database, connectionString));
                string application = Read(request, "application");
                if (string.IsNullOrEmpty(application)) return Fail("bad-request", "ArgumentException", "application is required.", null);
                if (op == "exportBindings") return Ok(ExportBindingsResult(connectionString, application));
                if (op == "exportApplication")
                {
                    string packagePath = Read(request, "packagePath");
                    if (string.IsNullOrEmpty(packagePath)) return Fail("bad-request", "ArgumentException", "packagePath is required.", null);
                    return ExportApplication(server, database, application, packagePath, Read(request, "resources"));
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

        // ---- operations (each names BizTalk types: kept out of Execute, so a failed load is classified) ----------------

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static Dictionary<string, object> Probe(string server, string database)
        {
            Assembly engine = typeof(Group).Assembly;
            Assembly binding = typeof(BindingInfo).Assembly;
            Dictionary<string, object> result = new Dictionary<string, object>();
            result["assembly"] = engine.FullName;
            result["location"] = engine.Location;
            result["bindingAssembly"] = binding.FullName;
            result["process64"] = IntPtr.Size == 8;
            result["runtime"] = Environment.Version.ToString();
            if (!string.IsNullOrEmpty(server) && !string.IsNullOrEmpty(database))
            {
                using (Group group = Open(server, database))
                {
                    result["applicationCount"] = group.Applications.Count;
                }
            }
            return result;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static Dictionary<string, object> Inventory(string server, string database, string connectionString)
        {
            using (Group group = Open(server, database))
            {
                ApplicationCollection applications = group.Applications;
                OM.BtsCatalogExplorer explorer = group.CatalogExplorer;
                List<object> apps = new List<object>();
                using (SqlConnection connection = new SqlConnection(connectionString))
                {
                    foreach (Application app in applications)
                    {
                        Dictionary<string, object> a = new Dictionary<string, object>();
                        a["name"] = app.Name;
                        a["description"] = app.Description ?? string.Empty;
                        OM.Application catalogApp = explorer.Applications[app.Name];
                        a["isSystem"] = catalogApp != null ? catalogApp.IsSystem : string.Equals(app.Name, SystemApplication, StringComparison.OrdinalIgnoreCase);
                        a["isDefault"] = catalogApp != null && catalogApp.IsDefaultApplication;
                        a["status"] = catalogApp == null ? "NotApplicable" : catalogApp.Status.ToString();
                        List<object> references = new List<object>();
                        if (app.References != null)
                            foreach (IApplication referenced in app.References)
                                if (referenced != null && !string.Equals(referenced.Name, SystemApplication, StringComparison.OrdinalIgnoreCase)) references.Add(referenced.Name);
                        a["references"] = references;
                        try
                        {
                            a["resources"] = DescribeResources(app);
                            a["bindingsXml"] = SelectBindings(connection, app.Name);
                        }
                        catch (Exception e)
                        {
                            a["error"] = Classify(e)["error"];
                        }
                        apps.Add(a);
                    }
                }

                List<object> hosts = new List<object>();
                foreach (OM.Host host in explorer.Hosts)
                {
                    Dictionary<string, object> h = new Dictionary<string, object>();
                    h["name"] = host.Name;
                    h["type"] = host.Type.ToString();
                    h["trusted"] = ReadBool(host, "AuthTrusted", "Trusted");
                    hosts.Add(h);
                }
                List<object> handlers = new List<object>();
                foreach (OM.ProtocolType protocol in explorer.ProtocolTypes)
                {
                    foreach (OM.ReceiveHandler handler in protocol.ReceiveHandlers) handlers.Add(Handler(protocol.Name, handler.Host == null ? null : handler.Host.Name, "Receive"));
                    foreach (OM.SendHandler handler in protocol.SendHandlers) handlers.Add(Handler(protocol.Name, handler.Host == null ? null : handler.Host.Name, "Send"));
                }

                Dictionary<string, object> result = new Dictionary<string, object>();
                result["engine"] = typeof(Group).Assembly.FullName;
                result["process64"] = IntPtr.Size == 8;
                result["applications"] = apps;
                result["hosts"] = hosts;
                result["handlers"] = handlers;
                return result;
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static Dictionary<string, object> ExportBindingsResult(string connectionString, string application)
        {
            using (SqlConnection connection = new SqlConnection(connectionString))
            {
                Dictionary<string, object> result = new Dictionary<string, object>();
                result["bindingsXml"] = SelectBindings(connection, application);
                return result;
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static Dictionary<string, object> ExportApplication(string server, string database, string applicationName, string packagePath, string resourceSpec)
        {
            using (Group group = Open(server, database))
            {
                ApplicationCollection applications = group.Applications;
                applications.UiLevel = 2;
                Application app = applications[applicationName];
                if (app == null) return Fail("not-found", "ArgumentException", "Application \"" + applicationName + "\" does not exist in the group.", null);
                HashSet<string> wanted = null;
                if (resourceSpec != null)
                {
                    wanted = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                    foreach (string line in resourceSpec.Split('\n')) if (line.Trim().Length > 0) wanted.Add(line.TrimEnd('\r'));
                }
                List<Resource> exported = new List<Resource>();
                foreach (Resource resource in app.ResourceCollection)
                {
                    object isSystem;
                    if (resource.Properties.TryGetValue("IsSystem", out isSystem) && isSystem is bool && (bool)isSystem) continue;
                    if (wanted != null && !wanted.Contains(resource.ResourceType + "\t" + resource.Luid)) continue;
                    exported.Add(resource);
                }
                if (wanted != null && exported.Count != wanted.Count)
                    return Fail("not-found", "ArgumentException", "Some of the resources asked for are not in application \"" + app.Name + "\".", null);
                app.Export(packagePath, exported);
                Dictionary<string, object> result = new Dictionary<string, object>();
                result["application"] = app.Name;
                result["packagePath"] = packagePath;
                result["resourceCount"] = exported.Count;
                return Ok(result);
            }
        }

        private static Group Open(string server, string database)
        {
            Group group = new Group();
            group.DBServer = server;
            group.DBName = database;
            return group;
        }

        private static List<object> DescribeResources(Application app)
        {
            List<object> resources = new List<object>();
            foreach (Resource resource in app.ResourceCollection)
            {
                Dictionary<string, object> r = new Dictionary<string, object>();
                r["type"] = resource.ResourceType;
                r["luid"] = resource.Luid;
                Dictionary<string, object> properties = new Dictionary<string, object>();
                foreach (KeyValuePair<string, object> property in resource.Properties)
                {
                    // Values are strings, booleans, numbers or dates: kept as invariant text, as the ADF writes them.
                    if (property.Value == null) continue;
                    properties[property.Key] = property.Value is bool ? ((bool)property.Value ? "True" : "False") : Convert.ToString(property.Value, CultureInfo.InvariantCulture);
                }
                r["properties"] = properties;
                resources.Add(r);
            }
            return resources;
        }

        /// <summary>The application's bindings as ExportBindings selects them, through a temp file (SaveXml writes a file).</summary>
        private static string SelectBindings(SqlConnection connection, string application)
        {
            string file = Path.Combine(Path.GetTempPath(), "btsbackup-bindings-" + Guid.NewGuid().ToString("N") + ".xml");
            try
            {
                using (BindingInfo info = new BindingInfo())
                {
                    BindingParameters parameters = new BindingParameters(new Version(info.Version));
                    parameters.BindingItems = BindingParameters.BindingItemTypes.All;
                    parameters.BindingScope = BindingParameters.BindingScopeType.Application;
                    info.AddApplicationRef(connection, application);
                    info.Select(connection, parameters);
                    info.SaveXml(file);
                }
                return File.ReadAllText(file);
            }
            finally
            {
                try { File.Delete(file); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }

        private static Dictionary<string, object> Handler(string adapter, string host, string direction)
        {
            Dictionary<string, object> h = new Dictionary<string, object>();
            h["adapter"] = adapter;
            h["host"] = host;
            h["direction"] = direction;
            return h;
        }

        private static bool ReadBool(object target, params string[] names)
        {
            foreach (string name in names)
            {
                PropertyInfo property = target == null ? null : target.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
                object value = property == null ? null : property.GetValue(target, null);
                if (value is bool) return (bool)value;
            }
            return false;
        }

        // ---- request, response, errors (the same shapes as ExplorerOmBridge.cs) ------------------------------------

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
            if (e is FileLoadException && e.Message.IndexOf("architecture is not compatible", StringComparison.OrdinalIgnoreCase) >= 0)
                return Fail("bad-image-format", e.GetType().FullName, e.Message, ((FileLoadException)e).FileName);
            if (e is FileNotFoundException) return Fail("assembly-not-found", e.GetType().FullName, e.Message, ((FileNotFoundException)e).FileName);
            if (e is FileLoadException) return Fail("assembly-not-found", e.GetType().FullName, e.Message, ((FileLoadException)e).FileName);
            if (e is TypeLoadException) return Fail("assembly-not-found", e.GetType().FullName, e.Message, null);
            if (e is ArgumentException) return Fail("bad-request", e.GetType().FullName, e.Message, null);
            string message = e.Message;
            if (e.InnerException != null) message += " " + e.InnerException.Message;
            return Fail("catalog-error", e.GetType().FullName, message, null);
        }

        private static void WriteJson(StringBuilder sb, object value)
        {
            if (value == null) { sb.Append("null"); return; }
            if (value is bool) { sb.Append((bool)value ? "true" : "false"); return; }
            if (value is string) { WriteString(sb, (string)value); return; }
            if (value is int || value is long) { sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture)); return; }
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
                if (c == '"') sb.Append("\\\"");
                else if (c == '\\') sb.Append("\\\\");
                else if (c < 0x20 || c > 0x7e) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                else sb.Append(c);
            }
            sb.Append('"');
        }
    }
}
