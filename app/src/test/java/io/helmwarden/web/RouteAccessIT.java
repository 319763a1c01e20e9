package io.helmwarden.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.oidcLogin;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;

import io.helmwarden.audit.AuditEntry;
import io.helmwarden.audit.AuditFilter;
import io.helmwarden.audit.AuditLog;
import io.helmwarden.fleet.FleetState;
import io.helmwarden.tenancy.Role;
import io.helmwarden.tenancy.RoleMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every route of the app, every HTTP method it answers, for every kind of person: allowed or denied as the
 * policy below says. A route the policy does not list fails this test, so no route ships unconsidered.
 */
@SpringBootTest(properties = {
        "spring.datasource.url=jdbc:h2:mem:route-access;DB_CLOSE_DELAY=-1",
        "helmwarden.demo.idp.port=0"})
@ActiveProfiles("demo")
@AutoConfigureMockMvc
class RouteAccessIT {

    enum Person { ANONYMOUS, NO_ROLE, PLATFORM_ADMIN, AUDITOR, TEAM_LEAD, TEAM_MEMBER }

    enum Outcome { ALLOWED, SIGN_IN, DENIED, PUBLIC }

    static final Set<Person> ANY_ROLE = Set.of(Person.PLATFORM_ADMIN, Person.AUDITOR, Person.TEAM_LEAD,
            Person.TEAM_MEMBER);

    /** A route's entry: a URL to try it with (the demo fleet's objects), and who may use it. */
    record Entry(String url, Set<Person> allowed) {
    }

    /**
     * The policy: route → who may use it. Everyone else is sent to sign in, or denied once signed in. The
     * team personas belong to team payments, so the payments Tiller is theirs to see.
     */
    static final Map<String, Entry> POLICY = new LinkedHashMap<>();

    static {
        POLICY.put("GET /", new Entry("/", ANY_ROLE));
        POLICY.put("GET /api/inventory", new Entry("/api/inventory", ANY_ROLE));
        POLICY.put("GET /api/findings", new Entry("/api/findings", ANY_ROLE));
        POLICY.put("GET /tillers/{cluster}/{namespace}/{name}",
                new Entry("/tillers/prod-eu/payments-tiller/tiller-deploy", ANY_ROLE));
        POLICY.put("GET /tillers/{cluster}/{namespace}/{name}/releases/{release}",
                new Entry("/tillers/prod-eu/payments-tiller/tiller-deploy/releases/payments-api", ANY_ROLE));
        POLICY.put("GET /clusters/{id}", new Entry("/clusters/prod-eu", ANY_ROLE));
        POLICY.put("GET /teams/{id}", new Entry("/teams/payments", ANY_ROLE));
        POLICY.put("POST /clusters/{id}/namespaces", new Entry("/clusters/prod-eu/namespaces", Set.of(Person.PLATFORM_ADMIN)));
        POLICY.put("POST /clusters/{id}/namespaces/{namespace}/release",
                new Entry("/clusters/prod-eu/namespaces/none/release", Set.of(Person.PLATFORM_ADMIN)));
        Set<Person> auditReaders = Set.of(Person.PLATFORM_ADMIN, Person.AUDITOR, Person.TEAM_LEAD);
        POLICY.put("GET /audit", new Entry("/audit", auditReaders));
        POLICY.put("GET /audit/{seq:\\d+}", new Entry("/audit/1", auditReaders));
        POLICY.put("GET /audit/export.csv", new Entry("/audit/export.csv", auditReaders));
        POLICY.put("GET /audit/export.json", new Entry("/audit/export.json", auditReaders));
        POLICY.put("GET /audit/export-spreadsheet.csv", new Entry("/audit/export-spreadsheet.csv", auditReaders));
        POLICY.put("POST /audit/verify", new Entry("/audit/verify", Set.of(Person.PLATFORM_ADMIN, Person.AUDITOR)));
        POLICY.put("GET /remediations", new Entry("/remediations", ANY_ROLE));
        POLICY.put("GET /tiller-requests", new Entry("/tiller-requests", ANY_ROLE));
        POLICY.put("GET /tiller-requests/new", new Entry("/tiller-requests/new", Set.of(Person.TEAM_LEAD)));
        POLICY.put("POST /tiller-requests", new Entry("/tiller-requests", Set.of(Person.TEAM_LEAD)));
        POLICY.put("GET /tiller-requests/{id}", new Entry("/tiller-requests/none", ANY_ROLE));
        POLICY.put("POST /tiller-requests/{id}/approve", new Entry("/tiller-requests/none/approve", ANY_ROLE));
        POLICY.put("POST /tiller-requests/{id}/reject", new Entry("/tiller-requests/none/reject", ANY_ROLE));
        POLICY.put("POST /tiller-requests/{id}/withdraw", new Entry("/tiller-requests/none/withdraw", ANY_ROLE));
        POLICY.put("POST /tiller-requests/{id}/decommission", new Entry("/tiller-requests/none/decommission", ANY_ROLE));
        POLICY.put("POST /tiller-requests/{id}/decommission/approve",
                new Entry("/tiller-requests/none/decommission/approve", ANY_ROLE));
        POLICY.put("POST /tiller-requests/{id}/decommission/decline",
                new Entry("/tiller-requests/none/decommission/decline", ANY_ROLE));
        POLICY.put("GET /tillers/{cluster}/{namespace}/{name}/remediations/{remediation}",
                new Entry("/tillers/prod-eu/payments-tiller/tiller-deploy/remediations/limit-history", ANY_ROLE));
        POLICY.put("POST /tillers/{cluster}/{namespace}/{name}/remediations/{remediation}",
                new Entry("/tillers/prod-eu/payments-tiller/tiller-deploy/remediations/limit-history",
                        Set.of(Person.PLATFORM_ADMIN, Person.TEAM_LEAD)));
        POLICY.put("GET /tillers/{cluster}/{namespace}/{name}/client-certificates",
                new Entry("/tillers/prod-eu/payments-tiller/tiller-deploy/client-certificates", ANY_ROLE));
        POLICY.put("POST /tillers/{cluster}/{namespace}/{name}/client-certificates",
                new Entry("/tillers/prod-eu/payments-tiller/tiller-deploy/client-certificates",
                        Set.of(Person.PLATFORM_ADMIN, Person.TEAM_LEAD, Person.TEAM_MEMBER)));
        POLICY.put("GET /remediations/{remediation}",
                new Entry("/remediations/migrate-to-helm3?team=payments", ANY_ROLE));
        POLICY.put("POST /remediations/{remediation}",
                new Entry("/remediations/migrate-storage-to-secrets?team=payments", ANY_ROLE));
        POLICY.put("GET /remediation-runs/{id}", new Entry("/remediation-runs/none", ANY_ROLE));
        POLICY.put("POST /remediation-runs/{id}/rollback", new Entry("/remediation-runs/none/rollback", ANY_ROLE));
        POLICY.put("POST /remediation-runs/{id}/resume", new Entry("/remediation-runs/none/resume", ANY_ROLE));
        POLICY.put("POST /remediation-runs/{id}/undo-conversion",
                new Entry("/remediation-runs/none/undo-conversion", ANY_ROLE));
        POLICY.put("POST /remediation-runs/{id}/delete-backups",
                new Entry("/remediation-runs/none/delete-backups", ANY_ROLE));
        POLICY.put("GET /no-access", new Entry("/no-access", Set.of(Person.NO_ROLE, Person.PLATFORM_ADMIN,
                Person.AUDITOR, Person.TEAM_LEAD, Person.TEAM_MEMBER)));
        POLICY.put("GET /signed-out", new Entry("/signed-out", Set.of(Person.values())));
    }

    @Autowired
    FleetState fleet;

    /** Routes that answer every method (and are public by design). */
    static final Set<String> PUBLIC_ANY_METHOD = Set.of("/error");

    @Autowired
    MockMvc mvc;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void everyRouteIsInThePolicyAndEveryPersonGetsWhatItSays() throws Exception {
        List<String> routes = new ArrayList<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            for (String path : info.getPatternValues()) {
                if (PUBLIC_ANY_METHOD.contains(path)) {
                    continue;
                }
                (methods.isEmpty() ? Set.of(RequestMethod.GET) : methods)
                        .forEach(m -> routes.add(m.name() + " " + path));
            }
        });
        assertThat(POLICY.keySet()).as("the policy lists exactly the app's routes").containsExactlyInAnyOrderElementsOf(
                routes.stream().distinct().toList());

        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.tiller("prod-eu/payments-tiller/tiller-deploy").isPresent());
        for (var entry : POLICY.entrySet()) {
            String method = entry.getKey().split(" ", 2)[0];
            for (Person person : Person.values()) {
                var request = request(HttpMethod.valueOf(method), entry.getValue().url())
                        .accept(MediaType.TEXT_HTML, MediaType.APPLICATION_JSON).with(csrf());
                request.with(person == Person.ANONYMOUS ? onLoopback() : as(person));
                int status = mvc.perform(request).andReturn().getResponse().getStatus();
                String what = person + " " + entry.getKey();
                if (entry.getValue().allowed().contains(person)) {
                    // Let through: the page, a 404 for an object not there, a refused form (400, 409), or for a
                    // POST the redirect to what it did (post/redirect/get).
                    assertThat(status).as(what).isIn(method.equals("POST") ? List.of(200, 302, 400, 404, 409)
                            : List.of(200, 400, 404, 409));
                } else if (person == Person.ANONYMOUS) {
                    assertThat(status).as(what).isIn(302, 401);
                } else {
                    // 403 as an error of its own, never a forward to a page that would answer POST with 405.
                    var response = mvc.perform(request).andReturn().getResponse();
                    assertThat(response.getStatus()).as(what).isEqualTo(403);
                    assertThat(response.getForwardedUrl()).as(what).isNull();
                }
            }
        }
    }

    @Test
    void anotherTeamsObjectsAnswerNotFoundExactlyLikeMissingOnes() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.tiller("prod-eu/search-tiller/tiller-deploy").isPresent());
        for (Person person : List.of(Person.TEAM_LEAD, Person.TEAM_MEMBER)) {
            for (String url : List.of("/tillers/prod-eu/search-tiller/tiller-deploy",
                    "/tillers/prod-eu/search-tiller/tiller-deploy/releases/search",
                    "/tillers/prod-eu/kube-system/tiller-deploy",
                    "/tillers/prod-eu/nowhere/tiller-deploy",
                    "/tillers/prod-eu/payments-tiller/tiller-deploy/releases/no-such-release",
                    "/teams/search", "/teams/no-such-team", "/clusters/staging", "/clusters/no-such-cluster")) {
                int status = mvc.perform(request(HttpMethod.GET, url).accept(MediaType.TEXT_HTML).with(as(person)))
                        .andReturn().getResponse().getStatus();
                assertThat(status).as(person + " " + url).isEqualTo(404);
            }
        }
        int admin = mvc.perform(request(HttpMethod.GET, "/tillers/prod-eu/search-tiller/tiller-deploy")
                .accept(MediaType.TEXT_HTML).with(as(Person.PLATFORM_ADMIN))).andReturn().getResponse().getStatus();
        assertThat(admin).isEqualTo(200);
    }

    @Autowired
    AuditLog audit;

    @Test
    void eachRefusalIsAuditedExactlyOnceWithItsActorAndTarget() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.tiller("prod-eu/search-tiller/tiller-deploy").isPresent());
        long before = latestSeq();
        mvc.perform(request(HttpMethod.GET, "/tillers/prod-eu/search-tiller/tiller-deploy").accept(MediaType.TEXT_HTML)
                .with(as(Person.TEAM_LEAD)));
        mvc.perform(request(HttpMethod.GET, "/").accept(MediaType.TEXT_HTML).with(as(Person.NO_ROLE)));
        List<AuditEntry> added = audit.find(new AuditFilter(null, null, null, null, null, null, null, null), null, 50)
                .stream().filter(entry -> entry.seq() > before).toList();
        assertThat(added).extracting(AuditEntry::action, AuditEntry::outcome, AuditEntry::target)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("object-denied", AuditEntry.Outcome.DENIED,
                                "prod-eu/search-tiller/Tiller tiller-deploy"),
                        org.assertj.core.groups.Tuple.tuple("access-denied", AuditEntry.Outcome.DENIED, ""));
        assertThat(added).allSatisfy(entry -> assertThat(entry.actorSubject()).isEqualTo("user"));
        assertThat(added).filteredOn(entry -> entry.action().equals("object-denied")).singleElement()
                .satisfies(entry -> {
                    assertThat(entry.team()).isEqualTo("search");
                    assertThat(entry.actorRoles()).isEqualTo("TEAM_LEAD,TEAM_MEMBER");
                });
        assertThat(audit.verify().intact()).isTrue();
    }

    private long latestSeq() {
        return audit.find(new AuditFilter(null, null, null, null, null, null, null, null), null, 1).stream()
                .mapToLong(AuditEntry::seq).findFirst().orElse(0);
    }

    @Test
    void aStateChangingRequestWithoutTheCsrfTokenIsRefused() throws Exception {
        int status = mvc.perform(request(HttpMethod.POST, "/logout").with(as(Person.PLATFORM_ADMIN)))
                .andReturn().getResponse().getStatus();
        assertThat(status).isEqualTo(403);
        int withToken = mvc.perform(request(HttpMethod.POST, "/logout").with(as(Person.PLATFORM_ADMIN)).with(csrf()))
                .andReturn().getResponse().getStatus();
        assertThat(withToken).isEqualTo(302);
    }

    @Autowired
    AnonymousRefusals anonymousRefusals;

    @Test
    void refusalsOfPeopleNobodySignedInForAreCountedPerClientAndRouteNotWrittenOneByOne() throws Exception {
        anonymousRefusals.flush();
        long before = latestSeq();
        String longRoute = "/x" + "A".repeat(7_900);
        for (int i = 0; i < 300; i++) {
            int status = mvc.perform(request(HttpMethod.POST, longRoute).with(onLoopback())).andReturn().getResponse()
                    .getStatus();
            assertThat(status).isEqualTo(403);
        }
        for (int i = 0; i < 40; i++) {
            mvc.perform(request(HttpMethod.POST, "/route-" + i).with(onLoopback()));
        }
        assertThat(latestSeq()).as("nothing written per request").isEqualTo(before);
        anonymousRefusals.flush();
        List<AuditEntry> added = audit.find(new AuditFilter(null, null, null, "access-denied", null, null, null, null),
                null, 50).stream().filter(entry -> entry.seq() > before).toList();
        // One entry for the long route, one per further route up to the bound, one for all the others.
        assertThat(added).hasSize(AnonymousRefusals.MAX_ROUTES_PER_CLIENT + 1);
        assertThat(added).allSatisfy(entry -> {
            assertThat(entry.actorSubject()).isEqualTo("anonymous");
            assertThat(entry.details()).hasSizeLessThan(300);
        });
        assertThat(added).extracting(AuditEntry::details).anySatisfy(details -> assertThat(details)
                .startsWith("300 × POST /xAAAA").contains("…").endsWith("from 127.0.0.1 without signing in, within 60 s"));
        assertThat(added).extracting(AuditEntry::details).anySatisfy(details -> assertThat(details)
                .contains(AnonymousRefusals.OTHER_ROUTES));
        assertThat(audit.verify().intact()).isTrue();
    }

    @Test
    void aCsrfTokenThatIsNotEvenWellFormedIsABadRequestNotAServerError() throws Exception {
        // Right length, but it decodes to bytes no UTF-8 text has: Spring Security's handler throws on it.
        byte[] bytes = new byte[72];
        java.util.Arrays.fill(bytes, 36, 72, (byte) 0xFF);
        String token = java.util.Base64.getUrlEncoder().encodeToString(bytes);
        var response = mvc.perform(request(HttpMethod.POST, "/logout").header("X-CSRF-TOKEN", token)
                .with(as(Person.PLATFORM_ADMIN))).andReturn().getResponse();
        assertThat(response.getStatus()).isEqualTo(400);
        int wrong = mvc.perform(request(HttpMethod.POST, "/logout").header("X-CSRF-TOKEN", "not-a-token")
                .with(as(Person.PLATFORM_ADMIN))).andReturn().getResponse().getStatus();
        assertThat(wrong).isEqualTo(403);
    }

    @Test
    void anotherTeamsObjectAndAMissingOneTakeTheSamePathAndGetTheSamePage() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.tiller("prod-eu/search-tiller/tiller-deploy").isPresent());
        for (String[] pair : List.of(
                new String[] {"/tillers/prod-eu/search-tiller/tiller-deploy", "/tillers/prod-eu/nowhere/tiller-deploy"},
                new String[] {"/teams/search", "/teams/no-such-team"},
                new String[] {"/clusters/staging", "/clusters/no-such-cluster"})) {
            List<String> bodies = new ArrayList<>();
            for (String url : pair) {
                long before = latestSeq();
                var response = mvc.perform(request(HttpMethod.GET, url).accept(MediaType.TEXT_HTML)
                        .with(as(Person.TEAM_LEAD))).andReturn().getResponse();
                assertThat(response.getStatus()).as(url).isEqualTo(404);
                assertThat(response.getContentType()).as(url).startsWith("text/html");
                // The sign-out form's CSRF token is masked afresh on every page (BREACH): all else must match.
                bodies.add(response.getContentAsString().replaceAll("name=\"_csrf\" value=\"[^\"]*\"", "name=\"_csrf\""));
                List<AuditEntry> added = audit.find(new AuditFilter(null, null, null, null, null, null, null, null),
                        null, 10).stream().filter(entry -> entry.seq() > before).toList();
                assertThat(added).as(url).singleElement().satisfies(entry -> {
                    assertThat(entry.action()).isEqualTo("object-denied");
                    assertThat(entry.outcome()).isEqualTo(AuditEntry.Outcome.DENIED);
                });
            }
            assertThat(bodies.get(0)).as(pair[0] + " and " + pair[1]).isEqualTo(bodies.get(1));
            assertThat(bodies.get(0)).contains("<h1>Not found</h1>", "Back to the fleet", "href=\"/audit\"");
        }
    }

    @Test
    void browsersGetAnErrorPageAndJsonClientsGetProblemJson() throws Exception {
        var json = mvc.perform(request(HttpMethod.GET, "/tillers/prod-eu/nowhere/tiller-deploy")
                .accept(MediaType.APPLICATION_JSON).with(as(Person.PLATFORM_ADMIN))).andReturn().getResponse();
        assertThat(json.getStatus()).isEqualTo(404);
        assertThat(json.getContentType()).isEqualTo("application/problem+json");
        assertThat(json.getContentAsString()).contains("\"status\":404", "\"instance\":\"/tillers/prod-eu/nowhere/tiller-deploy\"");
        var html = mvc.perform(request(HttpMethod.GET, "/tillers/prod-eu/nowhere/tiller-deploy")
                .accept(MediaType.TEXT_HTML).with(as(Person.PLATFORM_ADMIN))).andReturn().getResponse();
        assertThat(html.getContentAsString()).contains("<title>Not found · Helm Warden</title>", "Sign out")
                .doesNotContain("\"status\"");
    }

    @Test
    void anotherTeamsAuditEntryIsRefusedAndTheAttemptAudited() throws Exception {
        var foreign = audit.append(io.helmwarden.audit.AuditEvent.by(new io.helmwarden.audit.AuditEvent.Actor("sam",
                "Sam Search", "TEAM_LEAD"), io.helmwarden.audit.AuditAction.SIGN_IN, AuditEntry.Outcome.SUCCESS).target("search", "prod-eu",
                "search-tiller", "Tiller tiller-deploy"));
        long before = latestSeq();
        int status = mvc.perform(request(HttpMethod.GET, "/audit/" + foreign.seq()).accept(MediaType.TEXT_HTML)
                .with(as(Person.TEAM_LEAD))).andReturn().getResponse().getStatus();
        assertThat(status).isEqualTo(404);
        assertThat(audit.find(new AuditFilter(null, null, null, "object-denied", null, null, null, null), null, 5))
                .filteredOn(entry -> entry.seq() > before).singleElement()
                .satisfies(entry -> assertThat(entry.team()).isEqualTo("search"));
    }

    @Test
    void theRequestFormOffersOnlyTheLeadsOwnClustersAndNamespaces() throws Exception {
        String form = mvc.perform(request(HttpMethod.GET, "/tiller-requests/new").accept(MediaType.TEXT_HTML)
                .with(as(Person.TEAM_LEAD))).andReturn().getResponse().getContentAsString();
        // Team payments owns namespaces on prod-eu only; staging's page is a 404 to its lead.
        assertThat(form).contains("value=\"prod-eu\"", "payments-prod", "payments-tiller")
                .doesNotContain("value=\"staging\"", "search", "analytics", "{team}");
    }

    @Test
    void theCsvExportCarriesTheHashedValuesAndTheSpreadsheetExportNeutralisesFormulas() throws Exception {
        audit.append(io.helmwarden.audit.AuditEvent.by(new io.helmwarden.audit.AuditEvent.Actor("csv-probe", null, null),
                io.helmwarden.audit.AuditAction.AUDIT_EXPORTED, AuditEntry.Outcome.SUCCESS).details("=HYPERLINK(\"http://evil.example\")"));
        // The exports stream (an async response): dispatched once more to read them.
        var exactStarted = mvc.perform(request(HttpMethod.GET, "/audit/export.csv?actor=csv-probe")
                .with(as(Person.AUDITOR))).andReturn();
        String exact = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch(
                exactStarted)).andReturn().getResponse().getContentAsString();
        assertThat(exact).contains(",\"=HYPERLINK(\"\"http://evil.example\"\")\",");
        var spreadsheetStarted = mvc.perform(request(HttpMethod.GET, "/audit/export-spreadsheet.csv?actor=csv-probe")
                .with(as(Person.AUDITOR))).andReturn();
        var spreadsheet = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch(
                spreadsheetStarted)).andReturn().getResponse();
        assertThat(spreadsheet.getContentAsString()).contains(",\"'=HYPERLINK(");
        assertThat(spreadsheet.getHeader("Content-Disposition")).contains("audit-for-spreadsheets.csv");
    }

    static RequestPostProcessor as(Person person) {
        List<SimpleGrantedAuthority> authorities = new ArrayList<>();
        switch (person) {
            case PLATFORM_ADMIN -> authorities.add(new SimpleGrantedAuthority(Role.PLATFORM_ADMIN.authority()));
            case AUDITOR -> authorities.add(new SimpleGrantedAuthority(Role.AUDITOR.authority()));
            case TEAM_LEAD -> {
                authorities.add(new SimpleGrantedAuthority(Role.TEAM_LEAD.authority()));
                authorities.add(new SimpleGrantedAuthority(Role.TEAM_MEMBER.authority()));
                authorities.add(new SimpleGrantedAuthority(RoleMapper.LEAD_PREFIX + "payments"));
                authorities.add(new SimpleGrantedAuthority(RoleMapper.TEAM_PREFIX + "payments"));
            }
            case TEAM_MEMBER -> {
                authorities.add(new SimpleGrantedAuthority(Role.TEAM_MEMBER.authority()));
                authorities.add(new SimpleGrantedAuthority(RoleMapper.TEAM_PREFIX + "payments"));
            }
            default -> authorities.add(new SimpleGrantedAuthority("OIDC_USER"));
        }
        var login = oidcLogin().authorities(authorities.toArray(SimpleGrantedAuthority[]::new));
        return request -> login.postProcessRequest(onLoopback().postProcessRequest(request));
    }

    /** The demo serves 127.0.0.1 (it redirects "localhost" there), so requests address it so. */
    static RequestPostProcessor onLoopback() {
        return request -> {
            request.setServerName("127.0.0.1");
            return request;
        };
    }
}
