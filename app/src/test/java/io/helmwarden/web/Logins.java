package io.helmwarden.web;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.oidcLogin;

import io.helmwarden.tenancy.Role;
import io.helmwarden.tenancy.RoleMapper;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/** Signed-in people for MockMvc tests of the demo (which serves 127.0.0.1 and redirects "localhost" there). */
final class Logins {

    private Logins() {
    }

    static RequestPostProcessor admin() {
        return onLoopback(oidcLogin().authorities(new SimpleGrantedAuthority(Role.PLATFORM_ADMIN.authority())));
    }

    /** A lead (and member) of one team. */
    static RequestPostProcessor lead(String team) {
        return onLoopback(oidcLogin().authorities(new SimpleGrantedAuthority(Role.TEAM_LEAD.authority()),
                new SimpleGrantedAuthority(Role.TEAM_MEMBER.authority()),
                new SimpleGrantedAuthority(RoleMapper.LEAD_PREFIX + team),
                new SimpleGrantedAuthority(RoleMapper.TEAM_PREFIX + team)));
    }

    private static RequestPostProcessor onLoopback(RequestPostProcessor login) {
        return request -> {
            request.setServerName("127.0.0.1");
            return login.postProcessRequest(request);
        };
    }
}
