/**
 * Service names → TCP port numbers, for text whose ports were printed as names (Wireshark's
 * `hp-pdl-datastr`, tcpdump -n's `printer`). Generated once from Wireshark 4.0's `services` file
 * (every name below port 1024, plus its names for the ports below) and Debian netbase's
 * /etc/services (names and aliases), with common high ports added. A name Wireshark gives to
 * several ports is taken as the most common one (http-alt = 8080); the report says which names it
 * mapped, so a reader can check. Kept in the source, not read from /etc/services at run time: the
 * text was made on another machine, and Wireshark ships its own table anyway.
 */
const TABLE = `
tcpmux=1 compressnet=2 rje=5 echo=7 discard=9 null=9 sink=9 systat=11 users=11 daytime=13
netstat=15 qotd=17 quote=17 msp=18 chargen=19 source=19 ttytst=19 ftp-data=20 ftp=21 ssh=22
telnet=23 mail=25 smtp=25 nsw-fe=27 msg-icp=29 msg-auth=31 dsp=33 time=37 timserver=37 rap=38
rlp=39 graphics=41 name=42 nicname=43 whois=43 mpm-flags=44 mpm=45 mpm-snd=46 auditd=48
tacacs=49 re-mail-ck=50 xns-time=52 domain=53 xns-ch=54 isi-gl=55 xns-auth=56 xns-mail=58
acas=62 whoispp=63 covia=64 tacacs-ds=65 sql-net=66 bootps=67 bootpc=68 tftp=69 gopher=70
netrjs-1=71 netrjs-2=72 netrjs-3=73 netrjs-4=74 deos=76 vettcp=78 finger=79 http=80 www=80
xfer=82 mit-ml-dev=83 ctf=84 mfcobol=86 kerberos=88 kerberos-sec=88 kerberos5=88 krb5=88
su-mit-tg=89 dnsix=90 mit-dov=91 npp=92 dcp=93 objcall=94 supdup=95 dixie=96 swift-rvf=97
tacnews=98 metagram=99 hostname=101 iso-tsap=102 tsap=102 gppitnp=103 acr-nema=104 dicom=104
cso=105 3com-tsmux=106 poppassd=106 rtelnet=107 snagas=108 pop2=109 pop-3=110 pop3=110
portmapper=111 sunrpc=111 mcidas=112 auth=113 authentication=113 ident=113 tap=113 sftp=115
ansanotify=116 uucp-path=117 sqlserv=118 nntp=119 readnews=119 untp=119 cfdptkt=120 erpc=121
smakynet=122 ntp=123 ansatrader=124 locus-map=125 nxedit=126 locus-con=127 gss-xlicen=128
pwdgen=129 cisco-fna=130 cisco-tna=131 cisco-sys=132 statsrv=133 ingres-net=134 epmap=135
loc-srv=135 msrpc=135 profile=136 netbios-ns=137 netbios-dgm=138 netbios-ssn=139 emfis-data=140
emfis-cntl=141 bl-idm=142 imap=143 imap2=143 uma=144 uaac=145 iso-tp0=146 iso-ip=147 jargon=148
aed-512=149 hems=151 bftp=152 sgmp=153 netsc-prod=154 netsc-dev=155 sqlsrv=156 knet-cmp=157
pcmail-srv=158 nss-routing=159 sgmp-traps=160 snmp=161 snmp-trap=162 snmptrap=162 cmip-man=163
cmip-agent=164 xns-courier=165 s-net=166 namp=167 rsvd=168 send=169 print-srv=170 multiplex=171
cl-1=172 xyplex-mux=173 mailq=174 vmnet=175 genrad-mux=176 xdmcp=177 nextstep=178 bgp=179
ris=180 unify=181 audit=182 ocbinder=183 ocserver=184 remote-kis=185 kis=186 aci=187 mumps=188
qft=189 gacp=190 prospero=191 osu-nms=192 srmp=193 irc=194 dn6-nlm-aud=195 dn6-smm-red=196
dls=197 dls-mon=198 smux=199 src=200 at-rtmp=201 at-nbp=202 at-3=203 at-echo=204 at-5=205
at-zis=206 at-7=207 at-8=208 qmtp=209 wais=210 z39-50=210 z3950=210 914c-g=211 anet=212 ipx=213
vmpwscs=214 softpc=215 CAIlic=216 dbase=217 mpp=218 uarps=219 imap3=220 fln-spx=221 rsh-spx=222
cdc=223 masqdialer=224 direct=242 sur-meas=243 inbusiness=244 link=245 dsp3270=246
subntbcst-tftp=247 bhfhs=248 set=257 esro-gen=259 openport=260 nsiiops=261 arcisdms=262 hdap=263
bgmp=264 x-bone-ctl=265 sst=266 td-service=267 td-replica=268 manet=269 pt-tls=271 http-mgmt=280
personal-link=281 cableport-ax=282 rescap=283 corerjd=284 fxp=286 k-block=287 novastorbakcup=308
entrusttime=309 bhmds=310 asip-webadmin=311 vslmp=312 magenta-logic=313 opalis-robot=314
dpsi=315 decauth=316 zannet=317 pkix-timestamp=318 ptp-event=319 ptp-general=320 pip=321
rtsps=322 rpki-rtr=323 rpki-rtr-tls=324 texar=333 pdap=344 pawserv=345 zserv=346 fatserv=347
csi-sgwp=348 mftp=349 matip-type-a=350 matip-type-b=351 dtag-ste-sb=352 ndsauth=353 bh611=354
datex-asn=355 cloanto-net-1=356 bhevent=357 shrinkwrap=358 scoi2odialog=360 semantix=361
srssend=362 rsvp-tunnel=363 aurora-cmgr=364 dtk=365 odmr=366 mortgageware=367 qbikgdp=368
rpc2portmap=369 codaauth2=370 clearcase=371 ulistproc=372 legent-1=373 legent-2=374 hassle=375
nip=376 tnETOS=377 dsETOS=378 is99c=379 is99s=380 hp-collector=381 hp-managed-node=382
hp-alarm-mgr=383 arns=384 ibm-app=385 asa=386 aurp=387 unidata-ldm=388 ldap=389 uis=390
synotics-relay=391 synotics-broker=392 meta5=393 embl-ndt=394 netcp=395 netware-ip=396 mptn=397
kryptolan=398 iso-tsap-c2=399 osb-sd=400 ups=401 genie=402 decap=403 nced=404 ncld=405 imsp=406
timbuktu=407 prm-sm=408 prm-nm=409 decladebug=410 rmt=411 synoptics-trap=412 smsp=413
infoseek=414 bnet=415 silverplatter=416 onmux=417 hyper-g=418 ariel1=419 smpte=420 ariel2=421
ariel3=422 opc-job-start=423 opc-job-track=424 icad-el=425 smartsdp=426 svrloc=427 ocs-cmu=428
ocs-amu=429 utmpsd=430 utmpcd=431 iasd=432 nnsp=433 mobileip-agent=434 mobilip-mn=435
dna-cml=436 comscm=437 dsfgw=438 dasp=439 sgcp=440 decvms-sysmgt=441 cvc-hostd=442 https=443
snpp=444 microsoft-ds=445 ddm-rdb=446 ddm-dfm=447 ddm-ssl=448 as-servermap=449 tserver=450
sfs-smp-net=451 sfs-config=452 creativeserver=453 contentserver=454 creativepartnr=455
macon-tcp=456 scohelp=457 appleqtc=458 ampr-rcmd=459 skronk=460 datasurfsrv=461
datasurfsrvsec=462 alpes=463 kpasswd=464 smtps=465 ssmtp=465 submissions=465 urd=465
digital-vrc=466 mylex-mapd=467 photuris=468 rcp=469 scx-proxy=470 mondex=471 ljk-login=472
hybrid-pop=473 tn-tl-w1=474 tcpnethaspsrv=475 tn-tl-fd1=476 ss7ns=477 spsc=478 iafserver=479
iafdbase=480 ph=481 bgs-nsi=482 ulpnet=483 integra-sme=484 powerburst=485 avian=486 saft=487
gss-http=488 nest-protocol=489 micom-pfs=490 go-login=491 ticf-1=492 ticf-2=493 pov-ray=494
intecourier=495 pim-rp-disc=496 retrospect=497 siam=498 iso-ill=499 isakmp=500 stmf=501 mbap=502
intrinsa=503 citadel=504 mailbox-lm=505 ohimsrv=506 crs=507 xvttp=508 snare=509 fcp=510
passgo=511 exec=512 login=513 cmd=514 shell=514 syslog=514 printer=515 spooler=515 videotex=516
talk=517 ntalk=518 utime=519 efs=520 ripng=521 ulp=522 ibm-db2=523 ncp=524 timed=525 tempo=526
stx=527 custix=528 irc-serv=529 courier=530 conference=531 netnews=532 netwall=533 windream=534
iiop=535 opalis-rdv=536 nmsp=537 gdomap=538 apertus-ldp=539 uucp=540 uucpd=540 uucp-rlogin=541
commerce=542 klogin=543 krcmd=544 kshell=544 appleqtcsrvr=545 dhcpv6-client=546
dhcpv6-server=547 afpovertcp=548 idfp=549 new-rwho=550 cybercash=551 devshr-nts=552 pirp=553
rtsp=554 dsf=555 remotefs=556 openvms-sysipc=557 sdnskmp=558 teedtap=559 rmonitor=560
monitor=561 chshell=562 nntps=563 snntp=563 9pfs=564 whoami=565 streettalk=566 banyan-rpc=567
ms-shuttle=568 ms-rome=569 meter=570 sonar=572 banyan-vip=573 ftp-agent=574 vemmi=575 ipcd=576
vnas=577 ipdd=578 decbsrv=579 sntp-heartbeat=580 bdp=581 scc-security=582 philips-vc=583
keyserver=584 password-chg=586 submission=587 cal=588 eyelink=589 tns-cml=590 http-alt=8080
eudora-set=592 http-rpc-epmap=593 tpip=594 cab-protocol=595 smsd=596 ptcnameservice=597
sco-websrvrmg3=598 acp=599 ipcserver=600 syslog-conn=601 xmlrpc-beep=602 idxp=603 tunnel=604
soap-beep=605 urm=606 nqs=607 sift-uft=608 npmp-trap=609 npmp-local=610 npmp-gui=611
hmmp-ind=612 hmmp-op=613 sshell=614 sco-inetmgr=615 sco-sysmgr=616 sco-dtmgr=617 dei-icda=618
compaq-evm=619 sco-websrvrmgr=620 escp-ip=621 collaborator=622 oob-ws-http=623 cryptoadmin=624
dec-dlm=625 asia=626 passgo-tivoli=627 qmqp=628 3com-amp3=629 rda=630 ipp=631 ipps=631 bmpp=632
servstat=633 ginad=634 rlzdbase=635 ldaps=636 lanserver=637 mcns-sec=638 msdp=639
entrust-sps=640 repcmd=641 esro-emsdp=642 sanity=643 dwr=644 pssc=645 ldp=646 dhcp-failover=647
rrp=648 cadview-3d=649 obex=650 ieee-mms=651 hello-port=652 repscmd=653 aodv=654 tinc=655
spmp=656 rmc=657 tenfold=658 mac-srvr-admin=660 hap=661 pftp=662 purenoise=663 oob-ws-https=664
sun-dr=665 mdqs=666 disclose=667 mecomm=668 meregister=669 vacdsm-sws=670 vacdsm-app=671
vpps-qua=672 cimplex=673 acap=674 dctp=675 vpps-via=676 vpp=677 ggf-ncp=678 mrm=679
entrust-aaas=680 entrust-aams=681 xfr=682 corba-iiop=683 corba-iiop-ssl=684 mdc-portmapper=685
hcp-wismar=686 asipregistry=687 realm-rusd=688 nmap=689 vatp=690 msexch-routing=691
hyperwave-isp=692 connendp=693 ha-cluster=694 ieee-mms-ssl=695 rushd=696 uuidgen=697 olsr=698
accessnetwork=699 epp=700 lmp=701 iris-beep=702 elcsd=704 agentx=705 silc=706 borland-dsj=707
entrust-kmsh=709 entrust-ash=710 cisco-tdp=711 tbrpf=712 iris-xpc=713 iris-xpcs=714 iris-lwz=715
netviewdm1=729 netviewdm2=730 netviewdm3=731 netgw=741 netrcs=742 flexlm=744 fujitsu-dev=747
ris-cm=748 kerberos-adm=749 kdc=750 kerberos-iv=750 kerberos4=750 rfile=750 kerberos-master=751
pump=751 qrh=752 rrh=753 hprop=754 krb-prop=754 krb5_prop=754 krb_prop=754 tell=754 nlogin=758
con=759 ns=760 rxe=761 quotad=762 cycleserv=763 omserv=764 webster=765 phonebook=767 vid=769
cadlock=770 rtip=771 cycleserv2=772 submit=773 rpasswd=774 entomb=775 moira-db=775 moira_db=775
wpages=776 moira-update=777 moira_update=777 multiling-http=777 wpgs=780 spamd=783
mdbs-daemon=800 device=801 mbap-s=802 fcp-udp=810 itm-mcell-s=828 pkix-3-ca-ra=829
netconf-ssh=830 netconf-beep=831 netconfsoaphttp=832 netconfsoapbeep=833 dhcp-failover2=847
gdoi=848 domain-s=853 dlep=854 iscsi=860 owamp-control=861 twamp-control=862 supfilesrv=871
rsync=873 iclcnet-locate=886 iclcnet-svinfo=887 accessbuilder=888 omginitialrefs=900
smpnameres=901 ideafarm-door=902 ideafarm-panic=903 kink=910 xact-backup=911 apex-mesh=912
apex-edge=913 rndc=953 ftps-data=989 ftps=990 nas=991 telnets=992 imaps=993 pop3s=995 vsinet=996
maitrd=997 busboy=998 garcon=999 cadlock2=1000 webpush=1001 surf=1010 exp1=1021 exp2=1022
socks=1080 proofd=1093 rootd=1094 rmiregistry=1099 nfsd-status=1110 kwdb-commn=1127
supfiledbg=1127 sgi-storman=1178 skkserv=1178 openvpn=1194 bvcontrol=1236 rmtcfg=1236
bmc-patroldb=1313 xtel=1313 pdps=1314 xtelw=1314 lotusnote=1352 lotusnotes=1352 ms-sql-s=1433
ms-sql-m=1434 ncube-lm=1521 oracle=1521 ingreslock=1524 datametrics=1645 old-radius=1645
sightline=1645 old-radacct=1646 sa-msg-port=1646 kermit=1649 groupwise=1677 radius=1812
radacct=1813 radius-acct=1813 mqtt=1883 cisco-sccp=2000 nfs=2049 gnunet=2086 rtcm-sc104=2101
gsigatekeeper=2119 iprop=2121 scientia-ssdb=2121 gris=2135 docker=2375 docker-s=2376
etcd-client=2379 etcd-server=2380 ms-olap4=2383 cvspserver=2401 venus=2430 venus-se=2431
codasrv=2432 codasrv-se=2433 mon=2583 hpstgmgr=2600 zebrasrv=2600 discp-client=2601 zebra=2601
discp-server=2602 ripd=2602 ripngd=2603 servicemeter=2603 nsc-ccs=2604 ospfd=2604 bgpd=2605
nsc-posa=2605 netmon=2606 ospf6d=2606 connection=2607 ospfapi=2607 isisd=2608 wag-service=2608
dict=2628 f5-globalsite=2792 gsiftp=2811 gpsd=2947 gds-db=3050 gds_db=3050 squid-http=3128
isns=3205 iscsi-target=3260 mysql=3306 ms-wbt-server=3389 nut=3493 distcc=3632 daap=3689
subversion=3690 svn=3690 suucp=4031 sysrqd=4094 sieve=4190 f5-iquery=4353 epmd=4369 remctl=4373
ntske=4460 fax=4557 hylafax=4559 iax=4569 mtn=4691 radmin-port=4899 lrrd=4949 munin=4949
sip=5060 sip-tls=5061 sips=5061 jabber-client=5222 xmpp-client=5222 jabber-server=5269
xmpp-server=5269 cfengine=5308 postgres=5432 postgresql=5432 freeciv=5556 rptp=5556 nrpe=5666
nsca=5667 amqps=5671 amqp=5672 auriga-router=5680 canna=5680 rfb=5900 x11=6000 x11-0=6000
x11-1=6001 x11-2=6002 x11-3=6003 x11-4=6004 x11-5=6005 x11-6=6006 x11-7=6007 gnutella-svc=6346
gnutella-rtr=6347 redis=6379 kube-apiserver=6443 sun-sr-https=6443 sge-qmaster=6444
sge_qmaster=6444 sge-execd=6445 sge_execd=6445 mysql-proxy=6446 syslog-tls=6514 sane=6566
sane-port=6566 saned=6566 ircd=6667 ircs-u=6697 afs3-fileserver=7000 bbs=7000 font-service=7100
xfs=7100 hadoop=8020 intu-ec-client=8021 zope-ftp=8021 webcache=8080 sunproxyadmin=8081
tproxy=8081 omniorb=8088 radan-http=8088 puppet=8140 pcsync-https=8443 secure-mqtt=8883
clc-build-daemon=8990 http-wmap=8990 prometheus=9090 websm=9090 zeus-admin=9090 kafka=9092
xinetd=9098 hp-pdl-datastr=9100 jetdirect=9100 pdl-datastream=9100 bacula-dir=9101
bacula-fd=9102 bacula-sd=9103 elasticsearch=9200 wap-wsp=9200 git=9418 xmms2=9667 zope=9673
ndmp=10000 webmin=10000 zabbix-agent=10050 zabbix-trapper=10051 amanda=10080 famdc=10081
kamanda=10081 amandaidx=10082 amidxtape=10083 nbd=10809 memcache=11211 hkp=11371 sgi-cad=17004
db-lsp=17500 dcap=22125 gsidcap=22128 wnn6=22273 binkp=24554 mongodb=27017 asp=27374
csync2=30865 dircproxy=57000 tfido=60177 fido=60179
`;

let byName: Map<string, number> | undefined;

/** The port a service name stands for, or undefined. Case-insensitive. */
export function portOfService(name: string): number | undefined {
  if (byName === undefined) {
    byName = new Map();
    for (const item of TABLE.split(/\s+/)) {
      const eq = item.indexOf("=");
      if (eq > 0) byName.set(item.slice(0, eq).toLowerCase(), Number(item.slice(eq + 1)));
    }
  }
  return byName.get(name.toLowerCase());
}
