package io.helmwarden.web;

import io.helmwarden.audit.AuditAction;
import io.helmwarden.audit.AuditEntry;
import io.helmwarden.audit.AuditEvent;
import io.helmwarden.audit.AuditLog;
import io.helmwarden.tenancy.Viewer;
import io.helmwarden.tenancy.Visibility;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit log for auditors and admins (team leads: entries about their own teams): filters, keyset paging
 * (newest first, "older" continues below the last entry shown), an entry's detail, streamed CSV and JSON
 * exports of the current filter, and verification of the whole chain.
 */
@Controller
class AuditController {

    static final int PAGE_SIZE = 50;
    private static final int MAX_CHECKPOINTS = 1000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final AuditLog audit;
    private final ObjectAccess access;

    private final Visibility visibility;

    AuditController(AuditLog audit, ObjectAccess access, Visibility visibility) {
        this.visibility = visibility;
        this.audit = audit;
        this.access = access;
    }

    /**
     * A page of entries, newest first: {@code before} continues to older entries, {@code after} goes back to
     * newer ones (keyset paging both ways, so a million entries page as fast as fifty).
     */
    @GetMapping("/audit")
    String entries(AuditFilterFormData filter, @RequestParam(required = false) Long before,
            @RequestParam(required = false) Long after, Authentication authentication, Model model) {
        Viewer viewer = Viewer.of(authentication);
        var auditFilter = filter.toFilter(visibility.auditedTeams(viewer));
        List<AuditEntry> page;
        boolean hasOlder;
        boolean hasNewer;
        if (after != null && before == null) {
            List<AuditEntry> newer = audit.findNewer(auditFilter, after, PAGE_SIZE + 1);
            hasNewer = newer.size() > PAGE_SIZE;
            page = newer.subList(hasNewer ? 1 : 0, newer.size());
            hasOlder = true;
        } else {
            List<AuditEntry> older = audit.find(auditFilter, before, PAGE_SIZE + 1);
            hasOlder = older.size() > PAGE_SIZE;
            page = older.subList(0, Math.min(PAGE_SIZE, older.size()));
            hasNewer = before != null && !page.isEmpty() && !audit.findNewer(auditFilter, page.get(0).seq(), 1).isEmpty();
        }
        model.addAttribute("filter", filter);
        model.addAttribute("entries", page.stream().map(AuditRow::of).toList());
        model.addAttribute("older", hasOlder && !page.isEmpty() ? page.get(page.size() - 1).seq() : null);
        model.addAttribute("newer", hasNewer && !page.isEmpty() ? page.get(0).seq() : null);
        model.addAttribute("mayVerify", viewer.seesEverything());
        return "audit/index";
    }

    /**
     * An entry with a link to what it is about, when that has a page: a Tiller, a remediation run, a request.
     * Targets are written as "cluster/namespace/Tiller name", "Remediation run id" or "Tiller request id".
     */
    record AuditRow(AuditEntry entry, String link) {

        static AuditRow of(AuditEntry entry) {
            String object = entry.targetObject() == null ? "" : entry.targetObject();
            String link = null;
            if (object.startsWith("Tiller request ")) {
                link = "/tiller-requests/" + segment(object.substring("Tiller request ".length()));
            } else if (object.startsWith("Remediation run ")) {
                link = "/remediation-runs/" + segment(object.substring("Remediation run ".length()));
            } else if (object.startsWith("Tiller ") && entry.targetCluster() != null && entry.targetNamespace() != null) {
                link = "/tillers/" + segment(entry.targetCluster()) + "/" + segment(entry.targetNamespace()) + "/"
                        + segment(object.substring("Tiller ".length()));
            }
            return new AuditRow(entry, link);
        }

        /** Targets named in a URL someone typed hold anything: each part stays one path segment. */
        private static String segment(String part) {
            return org.springframework.web.util.UriUtils.encodePathSegment(part, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /**
     * Verifies the chain, and that it still reaches the signed checkpoints pasted from the log stream (lines
     * that are not checkpoints are ignored); the result is shown after a redirect, so a reload verifies nothing.
     */
    @PostMapping("/audit/verify")
    String verify(@RequestParam(defaultValue = "") String checkpoints, Authentication authentication,
            RedirectAttributes redirect) {
        List<AuditLog.Checkpoint> pasted = checkpoints.lines().limit(MAX_CHECKPOINTS)
                .map(AuditLog.Checkpoint::parse).flatMap(java.util.Optional::stream).toList();
        AuditLog.Verification result = audit.verify(pasted);
        audit.append(AuditEvent.by(Audits.actor(authentication), AuditAction.AUDIT_VERIFIED,
                result.intact() ? AuditEntry.Outcome.SUCCESS : AuditEntry.Outcome.FAILURE).details(result.message()));
        redirect.addFlashAttribute("verification", result);
        return "redirect:/audit";
    }

    @GetMapping("/audit/{seq:\\d+}")
    String entry(@PathVariable long seq, Authentication authentication, Model model) {
        Viewer viewer = Viewer.of(authentication);
        AuditEntry entry = access.visibleOrNotFound(audit.find(seq), e -> visibility.maySeeAuditOf(viewer,
                        Stream.concat(Stream.ofNullable(e.team()), e.concernedTeams().stream()).toList()), authentication,
                event -> event.target(null, null, null, "Audit entry " + seq),
                e -> event -> event.target(e.team(), null, null, "Audit entry " + seq));
        model.addAttribute("entry", entry);
        return "audit/entry";
    }

    /** The exact values that were hashed, RFC 4180 quoted: for tools and for checking hashes. */
    @GetMapping("/audit/export.csv")
    ResponseEntity<StreamingResponseBody> csv(AuditFilterFormData filter, Authentication authentication) {
        return csv(filter, authentication, false);
    }

    /**
     * For spreadsheets: cells that would run as formulas are prefixed with {@code '}, so values differ from
     * what was hashed wherever that happens; the file name says so.
     */
    @GetMapping("/audit/export-spreadsheet.csv")
    ResponseEntity<StreamingResponseBody> spreadsheet(AuditFilterFormData filter, Authentication authentication) {
        return csv(filter, authentication, true);
    }

    private ResponseEntity<StreamingResponseBody> csv(AuditFilterFormData filter, Authentication authentication,
            boolean forSpreadsheets) {
        var auditFilter = filter.toFilter(visibility.auditedTeams(Viewer.of(authentication)));
        audit.append(AuditEvent.by(Audits.actor(authentication), AuditAction.AUDIT_EXPORTED, AuditEntry.Outcome.SUCCESS)
                .details((forSpreadsheets ? "CSV for spreadsheets " : "CSV ") + describe(filter)));
        StreamingResponseBody body = out -> {
            Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            writer.write("seq,occurred_at,actor_subject,actor_name,actor_roles,action,outcome,team,concerns,cluster,"
                    + "namespace,object,details,prev_hash,hash\n");
            audit.forEach(auditFilter, entry -> write(writer, entry, forSpreadsheets));
            writer.flush();
        };
        return download(body, forSpreadsheets ? "audit-for-spreadsheets.csv" : "audit.csv",
                new MediaType("text", "csv", StandardCharsets.UTF_8));
    }

    @GetMapping("/audit/export.json")
    ResponseEntity<StreamingResponseBody> json(AuditFilterFormData filter, Authentication authentication) {
        var auditFilter = filter.toFilter(visibility.auditedTeams(Viewer.of(authentication)));
        audit.append(AuditEvent.by(Audits.actor(authentication), AuditAction.AUDIT_EXPORTED, AuditEntry.Outcome.SUCCESS)
                .details("JSON " + describe(filter)));
        StreamingResponseBody body = out -> {
            try (JsonGenerator generator = JSON.createGenerator(out)) {
                generator.writeStartArray();
                audit.forEach(auditFilter, entry -> JSON.writeValue(generator, entry));
                generator.writeEndArray();
            }
        };
        return download(body, "audit.json", MediaType.APPLICATION_JSON);
    }

    private static ResponseEntity<StreamingResponseBody> download(StreamingResponseBody body, String name,
            MediaType type) {
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "\"")
                .contentType(type)
                .body(body);
    }

    private static void write(Writer writer, AuditEntry e, boolean forSpreadsheets) {
        try {
            writer.write(String.join(",", Stream.of(Long.toString(e.seq()), e.occurredAt().toString(), e.actorSubject(),
                    e.actorName(), e.actorRoles(), e.action(), e.outcome().name(), e.team(), e.concerns(),
                    e.targetCluster(), e.targetNamespace(), e.targetObject(), e.details(), e.prevHash(), e.hash())
                    .map(value -> csvField(value, forSpreadsheets)).toList()));
            writer.write('\n');
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** RFC 4180 quoting; for spreadsheets also no cell a spreadsheet would run as a formula. */
    static String csvField(String value, boolean forSpreadsheets) {
        if (value == null) {
            return "";
        }
        String safe = forSpreadsheets && !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value
                : value;
        return "\"" + safe.replace("\"", "\"\"") + "\"";
    }

    private static String describe(AuditFilterFormData filter) {
        return "actor=" + filter.actor() + " team=" + filter.team() + " cluster=" + filter.cluster() + " action="
                + filter.action() + " outcome=" + filter.outcome() + " from=" + filter.from() + " to=" + filter.to();
    }
}
