package io.helmwarden.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verify;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.oidcLogin;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import io.helmwarden.audit.AuditEntry;
import io.helmwarden.audit.AuditFilter;
import io.helmwarden.check.CheckCatalog;
import io.helmwarden.tenancy.Role;
import io.helmwarden.tenancy.RoleMapper;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/**
 * The audit log page: entries newest first with links to what they are about, keyset paging, verification for
 * those who see everything, and team leads held to their own teams' entries whatever they filter by.
 */
@WebMvcTest(value = AuditController.class, properties = {
        "helmwarden.teams[0].id=payments", "helmwarden.teams[0].display-name=Payments",
        "helmwarden.teams[0].namespaces.lab[0]=payments-tiller",
        "helmwarden.teams[1].id=search", "helmwarden.teams[1].display-name=Search",
        "helmwarden.teams[1].namespaces.lab[0]=search-tiller"})
class AuditControllerSliceTest extends WebSliceTest {

    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    static final String RUN = "11111111-1111-1111-1111-111111111111";

    @MockitoBean
    CheckCatalog catalog;

    @Test
    void anAdminReadsTheNewestEntriesWithLinksToWhatTheyAreAboutAndMayVerifyTheChain() throws Exception {
        var started = new AuditEntry(120, NOW, "alex", "Alex Admin", "PLATFORM_ADMIN", "remediation-started",
                AuditEntry.Outcome.SUCCESS, "payments", null, "lab", "payments-tiller", "Tiller tiller-deploy",
                "limit-history", "p", "h");
        var denied = new AuditEntry(119, NOW.minusSeconds(60), "sam", null, "TEAM_MEMBER", "object-denied",
                AuditEntry.Outcome.DENIED, "payments", null, null, null, "Remediation run " + RUN, "not visible to them",
                "p", "h");
        given(audit.find(any(AuditFilter.class), isNull(), eq(51))).willReturn(List.of(started, denied));

        String page = body("/audit", admin(), 200);
        assertThat(heading(page)).isEqualTo("Audit log");
        assertThat(page)
                .contains("data-action=\"remediation-started\"", "<span>Alex Admin</span>", "2026-11-23 10:00 UTC")
                .contains("<a href=\"/tillers/lab/payments-tiller/tiller-deploy\">lab/payments-tiller/Tiller tiller-deploy</a>")
                // no display name: the login is shown
                .contains("data-action=\"object-denied\"", "<span>sam</span>", ">DENIED</span>")
                .contains("<a href=\"/remediation-runs/" + RUN + "\">Remediation run " + RUN + "</a>")
                .contains("data-testid=\"verify\"")
                .doesNotContain("data-testid=\"older\"", "data-testid=\"newer\"", "No entry matches.");
        assertThat(page.indexOf("remediation-started")).as("newest first").isLessThan(page.indexOf("object-denied"));
        ArgumentCaptor<AuditFilter> filter = ArgumentCaptor.forClass(AuditFilter.class);
        verify(audit).find(filter.capture(), isNull(), eq(51));
        assertThat(filter.getValue().visibleTeams()).as("an admin sees every team's entries").isNull();
    }

    @Test
    void aTeamLeadIsHeldToTheirOwnTeamsEntriesWhateverTheyFilterBy() throws Exception {
        String page = body("/audit?team=search&outcome=denied&actor=sam", lead("payments"), 200);
        assertThat(heading(page)).isEqualTo("Audit log");
        assertThat(page)
                .contains("No entry matches.")
                // the filter is kept in the form
                .contains("name=\"team\" value=\"search\"", "name=\"actor\" value=\"sam\"")
                .containsPattern("<option value=\"DENIED\"\\s+selected=\"selected\">DENIED</option>")
                // verification is for those who see everything
                .doesNotContain("data-testid=\"verify\"");
        ArgumentCaptor<AuditFilter> filter = ArgumentCaptor.forClass(AuditFilter.class);
        verify(audit).find(filter.capture(), isNull(), eq(51));
        assertThat(filter.getValue().visibleTeams()).isEqualTo(Set.of("payments"));
        assertThat(filter.getValue().team()).isEqualTo("search");
        assertThat(filter.getValue().outcome()).isEqualTo("DENIED");
    }

    @Test
    void fiftyEntriesAPageOlderOnesBelowTheLastShownNewerOnesBackUp() throws Exception {
        given(audit.find(any(AuditFilter.class), isNull(), eq(51)))
                .willReturn(LongStream.rangeClosed(150, 200).map(seq -> 350 - seq).mapToObj(this::entry).toList());
        String first = body("/audit", admin(), 200);
        assertThat(first).contains("href=\"/audit/200\"", "href=\"/audit/151\"").doesNotContain("href=\"/audit/150\"")
                .contains("href=\"/audit?before=151").doesNotContain("data-testid=\"newer\"");

        given(audit.find(any(AuditFilter.class), eq(151L), eq(51))).willReturn(List.of(entry(150)));
        given(audit.findNewer(any(AuditFilter.class), eq(150L), anyInt())).willReturn(List.of(entry(151)));
        String older = body("/audit?before=151", admin(), 200);
        assertThat(older).contains("href=\"/audit/150\"").doesNotContain("href=\"/audit/151\"")
                .contains("href=\"/audit?after=150").doesNotContain("data-testid=\"older\"");
    }

    @Test
    void auditorsReadItMembersAreRefusedAndStrangersAreSentToSignIn() throws Exception {
        assertThat(body("/audit", oidcLogin().authorities(new SimpleGrantedAuthority(Role.AUDITOR.authority())), 200))
                .contains("data-testid=\"verify\"");
        body("/audit", oidcLogin().authorities(new SimpleGrantedAuthority(Role.TEAM_MEMBER.authority()),
                new SimpleGrantedAuthority(RoleMapper.TEAM_PREFIX + "payments")), 403);

        MockHttpServletResponse anonymous = mvc.perform(get("/audit").accept(MediaType.TEXT_HTML)).andReturn()
                .getResponse();
        assertThat(anonymous.getStatus()).isEqualTo(302);
        assertThat(anonymous.getHeader("Location")).contains("/oauth2/authorization/");
    }

    private AuditEntry entry(long seq) {
        return new AuditEntry(seq, NOW.minusSeconds(300 - seq), "alex", "Alex Admin", "PLATFORM_ADMIN", "sign-in",
                AuditEntry.Outcome.SUCCESS, null, null, null, null, null, "signed in", "p", "h");
    }}
